using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// AWS STS's Query API (<c>POST</c>, form body, <c>Version=2011-06-15</c>, XML answer): <c>AssumeRoleWithWebIdentity</c>
/// (unsigned: the web identity token is the proof) and <c>AssumeRole</c> (SigV4-signed for service <c>sts</c> with the
/// caller's credentials). Both answer <c>Credentials/AccessKeyId, SecretAccessKey, SessionToken, Expiration</c>.
/// </summary>
public sealed class StsClient(HttpClient http, TimeProvider time)
{
    public const string Version = "2011-06-15";

    public Task<AwsCredentials> AssumeRoleWithWebIdentityAsync(Uri endpoint, string roleArn, string sessionName, string webIdentityToken,
        CancellationToken cancellationToken) =>
        CallAsync(endpoint, "AssumeRoleWithWebIdentity",
            [new("RoleArn", roleArn), new("RoleSessionName", sessionName), new("WebIdentityToken", webIdentityToken)], caller: null, region: null,
            $"web identity role {roleArn}", cancellationToken);

    /// <param name="region">The region the signature is scoped to (the STS endpoint's).</param>
    public Task<AwsCredentials> AssumeRoleAsync(Uri endpoint, string region, AwsCredentials caller, string roleArn, string sessionName,
        CancellationToken cancellationToken) =>
        CallAsync(endpoint, "AssumeRole", [new("RoleArn", roleArn), new("RoleSessionName", sessionName)], caller, region,
            $"assumed role {roleArn}", cancellationToken);

    private async Task<AwsCredentials> CallAsync(Uri endpoint, string action, KeyValuePair<string, string>[] parameters, AwsCredentials? caller,
        string? region, string source, CancellationToken cancellationToken)
    {
        KeyValuePair<string, string>[] fields = [new("Action", action), new("Version", Version), .. parameters];
        var form = string.Join('&', fields.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var body = Encoding.UTF8.GetBytes(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        request.Headers.Accept.ParseAdd("application/xml");
        if (caller is not null)
            foreach (var (name, value) in new SigV4Signer(caller, region ?? "us-east-1", "sts", time).Sign(request, body))
                request.Headers.TryAddWithoutValidation(name, value);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AwsCredentialsException($"STS {action} at {endpoint.GetLeftPart(UriPartial.Path)} failed: {ex.GetType().Name}", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return Parse(action, (int)response.StatusCode, text, source);
        }
    }

    /// <summary>The credentials of a successful answer; an STS error (<c>ErrorResponse/Error/Code, Message</c>) as an exception.</summary>
    public static AwsCredentials Parse(string action, int status, string xml, string source)
    {
        XElement root;
        try { root = XElement.Parse(xml); }
        catch (XmlException)
        {
            throw new AwsCredentialsException($"STS {action} answered HTTP {status} without XML");
        }
        if (status is < 200 or > 299 || root.Name.LocalName == "ErrorResponse")
        {
            var error = Child(root, "Error");
            throw new AwsCredentialsException(
                $"STS {action} answered HTTP {status}: {Value(error, "Code") ?? "unknown error"}: {Value(error, "Message") ?? ""}".TrimEnd(' ', ':'));
        }
        var credentials = Child(Child(root, action + "Result"), "Credentials");
        var keyId = Value(credentials, "AccessKeyId");
        var secret = Value(credentials, "SecretAccessKey");
        var token = Value(credentials, "SessionToken");
        var expiration = Value(credentials, "Expiration");
        if (!AwsCredentials.Usable(keyId, secret) || string.IsNullOrEmpty(token)
            || !DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
            throw new AwsCredentialsException($"STS {action} answered without complete credentials");
        return new AwsCredentials(keyId!, secret!, token, expires, source);
    }

    private static XElement? Child(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static string? Value(XElement? parent, string name) => Child(parent, name)?.Value.Trim();
}

/// <summary>Which STS endpoint to call, as AWS's SDKs choose it.</summary>
public static class StsEndpoint
{
    /// <summary>
    /// <paramref name="configured"/> (Kong's <c>aws_sts_endpoint_url</c>) first; then <c>AWS_ENDPOINT_URL_STS</c>, then
    /// <c>AWS_ENDPOINT_URL</c>; then the regional endpoint of <paramref name="region"/> (the SDKs' default), or the global
    /// <c>sts.amazonaws.com</c> without a region or with <c>AWS_STS_REGIONAL_ENDPOINTS=legacy</c>.
    /// </summary>
    /// <returns>Null when a configured URL is not an absolute http(s) URL.</returns>
    public static Uri? For(string? configured, string? region, Func<string, string?> environment)
    {
        var url = EnvironmentCredentialSource.NullIfEmpty(configured)
            ?? EnvironmentCredentialSource.NullIfEmpty(environment("AWS_ENDPOINT_URL_STS"))
            ?? EnvironmentCredentialSource.NullIfEmpty(environment("AWS_ENDPOINT_URL"));
        if (url is null)
        {
            var legacy = string.Equals(environment("AWS_STS_REGIONAL_ENDPOINTS"), "legacy", StringComparison.OrdinalIgnoreCase);
            url = region is null || legacy ? "https://sts.amazonaws.com"
                : region.StartsWith("cn-", StringComparison.Ordinal) ? $"https://sts.{region}.amazonaws.com.cn"
                : $"https://sts.{region}.amazonaws.com";
        }
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
    }
}
