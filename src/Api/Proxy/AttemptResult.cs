namespace Actors.Api.Proxy;

public enum FailureKind
{
    /// <summary>Connection refused, reset or cut before anything reached the client.</summary>
    Error,
    /// <summary>Connect, write or read timeout.</summary>
    Timeout,
    /// <summary>The provider answered with a status that the route fails over on (429, 5xx by default).</summary>
    Status,
}

/// <summary>What one attempt at one target came to.</summary>
public sealed record AttemptResult
{
    /// <summary>The response went to the client (wholly or in part): the request is over, whatever happened.</summary>
    public bool Delivered { get; init; }

    /// <summary>Whether the attempt counts as a success for the target's health.</summary>
    public bool Healthy { get; init; }

    public int Status { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }

    /// <summary>For a stream: milliseconds from sending the request to its first byte.</summary>
    public double? FirstByteMs { get; init; }

    /// <summary>Set when the attempt failed without reaching the client, so another target may be tried.</summary>
    public FailureKind? Failure { get; init; }
    public byte[]? FailureBody { get; init; }
    public string? FailureContentType { get; init; }
}
