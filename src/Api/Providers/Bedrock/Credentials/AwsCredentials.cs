namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// One set of AWS credentials: long-term (an IAM user's <c>AKIA…</c> key) or temporary (<c>ASIA…</c>, with the session
/// token every request must carry and the time it lapses). Held only in this process's memory; never printed.
/// </summary>
/// <param name="Source">Where the credentials came from (for messages): never a secret.</param>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null,
    DateTimeOffset? Expiration = null, string Source = "configured")
{
    /// <summary>Never the key, secret or token: only where the credentials came from and until when.</summary>
    public override string ToString() => Expiration is { } expiration ? $"AWS credentials from {Source} until {expiration:O}" : $"AWS credentials from {Source}";

    /// <summary>Whether all of the parts a signature needs are present.</summary>
    public static bool Usable(string? accessKeyId, string? secretAccessKey) =>
        !string.IsNullOrEmpty(accessKeyId) && !string.IsNullOrEmpty(secretAccessKey);
}

/// <summary>Credentials could not be had from a source (an STS refusal, an unreadable token file). Carries no secret.</summary>
public sealed class AwsCredentialsException(string message, Exception? inner = null) : Exception(message, inner);
