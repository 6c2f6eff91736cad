using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// The credentials a Bedrock target signs with, as Kong and AWS's tools find them: the target's
/// <c>auth.aws_access_key_id</c>/<c>aws_secret_access_key</c>; else this node's chain — environment
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>), shared credentials/config files
/// (<c>AWS_PROFILE</c>), web identity (<c>AWS_WEB_IDENTITY_TOKEN_FILE</c> + <c>AWS_ROLE_ARN</c> through STS). With
/// <c>bedrock.aws_assume_role_arn</c>, those credentials assume the role (STS <c>AssumeRole</c>) and the role's are used.
/// Everything is kept in this process's memory only (<see cref="CachedCredentials"/>), one cache per source.
/// </summary>
public sealed class BedrockCredentials
{
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;
    private readonly StsClient _sts;
    private readonly CachedCredentials _chain;
    private readonly ConcurrentDictionary<string, CachedCredentials> _assumed = new(StringComparer.Ordinal);

    public BedrockCredentials(Func<string, string?> environment, TimeProvider time, HttpClient http)
    {
        _environment = environment;
        _time = time;
        _sts = new StsClient(http, time);
        _chain = new CachedCredentials(new CredentialChain(
        [
            new EnvironmentCredentialSource(environment),
            new SharedFileCredentialSource(environment),
            new WebIdentityCredentialSource(environment, _sts, time),
        ]), time);
    }

    /// <summary>The node's chain (environment, shared files, web identity), cached.</summary>
    public CachedCredentials Chain => _chain;

    /// <summary>
    /// Where a target's credentials come from: a call that gives them (null when there are none), fetching or
    /// refreshing first when due. <paramref name="region"/> scopes an assumed role's STS call.
    /// </summary>
    /// <returns>Null and why when the target's assume-role settings cannot work (an STS endpoint URL that is not one).</returns>
    public Func<AwsCredentials?>? For(ProviderTarget target, string? region, out string? problem)
    {
        problem = null;
        var configured = AwsCredentials.Usable(target.AwsAccessKeyId, target.AwsSecretAccessKey);
        if (EnvironmentCredentialSource.NullIfEmpty(target.Option("bedrock.aws_assume_role_arn")) is not { } roleArn)
        {
            if (!configured) return _chain.Get;
            var credentials = TargetCredentials(target);
            return () => credentials;
        }

        var session = EnvironmentCredentialSource.NullIfEmpty(target.Option("bedrock.aws_role_session_name"));
        var configuredEndpoint = target.Option("bedrock.aws_sts_endpoint_url");
        if (StsEndpoint.For(configuredEndpoint, region, _environment) is not { } endpoint)
        {
            problem = "bedrock.aws_sts_endpoint_url is not an absolute http(s) URL";
            return null;
        }
        var baseKey = configured ? "static:" + Fingerprint(target.AwsAccessKeyId!, target.AwsSecretAccessKey!) : "chain";
        var key = string.Join('\n', baseKey, roleArn, session ?? "", endpoint.AbsoluteUri, region ?? "");
        return _assumed.GetOrAdd(key, _ => new CachedCredentials(new AssumeRoleCredentialSource(
            configured ? new CachedCredentials(new StaticCredentialSource(TargetCredentials(target)), _time) : _chain,
            _sts, endpoint, region ?? "us-east-1", roleArn, session, _time), _time)).Get;
    }

    private static AwsCredentials TargetCredentials(ProviderTarget target) =>
        new(target.AwsAccessKeyId!, target.AwsSecretAccessKey!, Source: "the target's auth");

    /// <summary>A key for the cache that is not the secret itself.</summary>
    private static string Fingerprint(string keyId, string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keyId + "\n" + secret)));
}
