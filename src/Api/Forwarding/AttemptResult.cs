namespace Actors.Api.Forwarding;

/// <summary>A provider error kept back from the client while another target is tried: what the client gets if none works.</summary>
public sealed record HeldBackError(int Status, byte[] Body, string? ContentType);

/// <summary>What one attempt at one target came to.</summary>
public sealed record AttemptResult
{
    /// <summary>The response went to the client (wholly or in part): the request is over, whatever happened.</summary>
    public bool Delivered { get; init; }

    /// <summary>Whether the attempt counts as a success for the target's health.</summary>
    public bool Healthy { get; init; }

    /// <summary>The provider's status (502/504 when it gave none): the status of metrics and reports.</summary>
    public int Status { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }

    /// <summary>For a stream: milliseconds from sending the request to its first byte.</summary>
    public double? FirstByteMs { get; init; }

    /// <summary>Why the attempt failed; null when it succeeded.</summary>
    public ForwarderError? Error { get; init; }

    /// <summary>Set when the route fails over on <see cref="Error"/>: another target may be tried.</summary>
    public bool FailsOver { get; init; }

    /// <summary>For <see cref="ForwarderError.FailoverStatus"/>: the provider's error, in OpenAI's shape when its driver translates.</summary>
    public HeldBackError? HeldBack { get; init; }

    /// <summary>How long the provider asked to be left alone (it was rate-limited); null when it did not.</summary>
    public TimeSpan? Cooldown { get; init; }
}
