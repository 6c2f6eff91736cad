using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Actors.Api.Providers.Bedrock.Credentials;

namespace Actors.Api.Providers.Bedrock;

/// <summary>
/// AWS Signature Version 4 for one request (header form): signs <c>host</c> and <c>x-amz-date</c> (and, with temporary
/// credentials, <c>x-amz-security-token</c>) with a key derived from the secret, date, region and service, and returns the
/// headers to add. Checked against AWS's published test suite.
/// </summary>
/// <remarks>
/// No NuGet signer fits a plain <see cref="HttpRequestMessage"/>: AWSSDK.Core's signs its own internal request type only.
/// </remarks>
public sealed class SigV4Signer(AwsCredentials credentials, string region, string service, TimeProvider time)
{
    private const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The header temporary credentials' session token travels in; it is signed with the others.</summary>
    public const string SecurityTokenHeader = "x-amz-security-token";

    public SigV4Signer(string accessKeyId, string secretAccessKey, string region, string service, TimeProvider time)
        : this(new AwsCredentials(accessKeyId, secretAccessKey), region, service, time) { }

    public IEnumerable<KeyValuePair<string, string>> Sign(HttpRequestMessage request, ReadOnlyMemory<byte> body)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("the request has no URL", nameof(request));
        var now = time.GetUtcNow().UtcDateTime;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        List<KeyValuePair<string, string>> signed = [new("host", uri.Authority), new("x-amz-date", amzDate)];
        if (credentials.SessionToken is { Length: > 0 } token) signed.Add(new(SecurityTokenHeader, token));
        var authorization = Authorization(request.Method.Method, uri.AbsolutePath, uri.Query, signed, body.Span, amzDate);
        return [.. signed.Skip(1), new("Authorization", authorization)];
    }

    /// <summary>
    /// The <c>Authorization</c> value for a request. <paramref name="path"/> is the path as sent (already percent-encoded):
    /// outside S3, AWS encodes each segment once more for the canonical form.
    /// </summary>
    public string Authorization(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body, string amzDate)
    {
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var signedHeaders = string.Join(';', headers.Select(h => h.Key.ToLowerInvariant()).Order(StringComparer.Ordinal));
        var canonical = CanonicalRequest(method, path, query, headers, body);
        var toSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date), region), service), "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    public static string CanonicalRequest(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body)
    {
        var canonicalHeaders = headers
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(' ', h.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        return string.Join('\n',
            method,
            CanonicalPath(path),
            CanonicalQuery(query),
            string.Concat(canonicalHeaders.Select(h => $"{h.Name}:{h.Value}\n")),
            string.Join(';', canonicalHeaders.Select(h => h.Name)),
            Hex(SHA256.HashData(body)));
    }

    private static string CanonicalPath(string path) =>
        path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Encode));

    private static string CanonicalQuery(string query) => string.Join('&', query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
        .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
        .Select(p => $"{p.Name}={p.Value}"));

    /// <summary>RFC 3986 encoding as AWS wants it: everything but unreserved characters, upper-case hex.</summary>
    private static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') text.Append(c);
            else text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
