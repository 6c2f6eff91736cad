namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// Web identity (EKS IRSA, GitHub Actions OIDC, ...): <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> and <c>AWS_ROLE_ARN</c>
/// (session <c>AWS_ROLE_SESSION_NAME</c>) exchanged at STS (<c>AssumeRoleWithWebIdentity</c>) for temporary credentials.
/// The token file is read on every fetch: the platform rotates it.
/// </summary>
public sealed class WebIdentityCredentialSource(Func<string, string?> environment, StsClient sts, TimeProvider time) : IAwsCredentialSource
{
    public async ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken)
    {
        var tokenFile = EnvironmentCredentialSource.NullIfEmpty(environment("AWS_WEB_IDENTITY_TOKEN_FILE"));
        var roleArn = EnvironmentCredentialSource.NullIfEmpty(environment("AWS_ROLE_ARN"));
        if (tokenFile is null || roleArn is null) return null;
        string token;
        try { token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AwsCredentialsException($"cannot read the web identity token file {tokenFile}: {ex.GetType().Name}", ex);
        }
        var region = EnvironmentCredentialSource.NullIfEmpty(environment("AWS_REGION")) ?? EnvironmentCredentialSource.NullIfEmpty(environment("AWS_DEFAULT_REGION"));
        var endpoint = StsEndpoint.For(null, region, environment)
            ?? throw new AwsCredentialsException("the STS endpoint URL in the environment is not an absolute http(s) URL");
        var session = EnvironmentCredentialSource.NullIfEmpty(environment("AWS_ROLE_SESSION_NAME")) ?? SessionNames.Default(time);
        return await sts.AssumeRoleWithWebIdentityAsync(endpoint, roleArn, session, token, cancellationToken);
    }
}

/// <summary>
/// Kong's <c>bedrock.aws_assume_role_arn</c>: the base credentials (the target's keys, else the node's chain) call STS
/// <c>AssumeRole</c> (signed) for the role's temporary credentials, session <c>bedrock.aws_role_session_name</c>, at
/// <c>bedrock.aws_sts_endpoint_url</c> or the region's STS endpoint.
/// </summary>
/// <param name="sessionName">Null: a name made at each call (<see cref="SessionNames.Default"/>).</param>
public sealed class AssumeRoleCredentialSource(CachedCredentials caller, StsClient sts, Uri endpoint, string region, string roleArn,
    string? sessionName, TimeProvider time) : IAwsCredentialSource
{
    public async ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken)
    {
        var credentials = await caller.GetAsync(cancellationToken)
            ?? throw new AwsCredentialsException($"no AWS credentials on this node to assume role {roleArn} with");
        return await sts.AssumeRoleAsync(endpoint, region, credentials, roleArn, sessionName ?? SessionNames.Default(time), cancellationToken);
    }
}

/// <summary>Role session names when none is configured: STS wants 2-64 characters of <c>[\w+=,.@-]</c>.</summary>
public static class SessionNames
{
    public static string Default(TimeProvider time) => $"actors-gateway-{time.GetUtcNow().ToUnixTimeSeconds()}";
}
