namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>One place AWS credentials can come from.</summary>
public interface IAwsCredentialSource
{
    /// <summary>Fresh credentials; null when this source is not set up on this node (the chain then asks the next one).</summary>
    /// <exception cref="AwsCredentialsException">The source is set up but could not give credentials.</exception>
    ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken);
}

/// <summary>Credentials known up front: a target's <c>auth.aws_access_key_id</c>/<c>aws_secret_access_key</c>.</summary>
public sealed class StaticCredentialSource(AwsCredentials credentials) : IAwsCredentialSource
{
    public ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AwsCredentials?>(credentials);
}

/// <summary><c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and, for temporary credentials, <c>AWS_SESSION_TOKEN</c>.</summary>
public sealed class EnvironmentCredentialSource(Func<string, string?> environment) : IAwsCredentialSource
{
    public ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken)
    {
        var keyId = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        return ValueTask.FromResult(AwsCredentials.Usable(keyId, secret)
            ? new AwsCredentials(keyId!, secret!, NullIfEmpty(environment("AWS_SESSION_TOKEN")), Source: "the environment")
            : null);
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The first source of a list that is set up on this node, in the order given, asked again on every fetch.</summary>
public sealed class CredentialChain(IReadOnlyList<IAwsCredentialSource> sources) : IAwsCredentialSource
{
    public async ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken)
    {
        foreach (var source in sources)
            if (await source.FetchAsync(cancellationToken) is { } credentials) return credentials;
        return null;
    }
}
