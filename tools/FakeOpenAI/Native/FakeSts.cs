using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// AWS STS's Query API at <c>POST /sts</c> (point <c>AWS_ENDPOINT_URL_STS</c> or Kong's <c>aws_sts_endpoint_url</c> at
/// it): <c>AssumeRoleWithWebIdentity</c> (unsigned; a JWT-shaped token) and <c>AssumeRole</c> (SigV4-signed for
/// <c>sts</c> by credentials it knows, the signature checked). Both issue temporary credentials (<c>ASIA…</c>, secret,
/// session token, an hour) in STS's XML, and remember them so <see cref="FakeBedrock"/> can check requests signed with
/// them. Errors are STS's <c>ErrorResponse</c> with its codes and words.
/// </summary>
public static class FakeSts
{
    /// <summary>Long-term keys the fakes know the secret of (others starting <c>AKIA</c> are accepted unchecked).</summary>
    public const string LongTermKeyId = "AKIAFAKELONGTERM0001", LongTermSecret = "fake/long-term+secret0000000000000000000";

    /// <summary>Temporary credentials the fakes know without an STS call, as a platform would put them in the environment.</summary>
    public const string TemporaryKeyId = "ASIAFAKETEMPORARY001", TemporarySecret = "fake/temporary+secret000000000000000000", TemporaryToken = "FwoGZXIvYXdzEFAKEtemporarySessionToken//0001";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public sealed record Known(string SecretAccessKey, string? SessionToken, DateTimeOffset? Expiration, string? RoleArn);

    private static readonly ConcurrentDictionary<string, Known> Credentials = new(StringComparer.Ordinal)
    {
        [LongTermKeyId] = new(LongTermSecret, null, null, null),
        [TemporaryKeyId] = new(TemporarySecret, TemporaryToken, null, null),
    };

    /// <summary>Credentials this fake issued or knows; null for others.</summary>
    public static Known? Find(string accessKeyId) => Credentials.GetValueOrDefault(accessKeyId);

    public static void Map(WebApplication app, FakeOpenAIServer server) => app.MapPost("/sts", context => HandleAsync(context, server));

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        var body = await server.AcceptAsync(context, status => new { message = $"fake upstream failure {status}" });
        if (body is null) return;
        var form = QueryHelpers.ParseQuery(body);
        string Param(string name) => form.TryGetValue(name, out var v) ? v.ToString() : "";
        if (Param("Version") != "2011-06-15") { await ErrorAsync(context, 400, "InvalidAction", "Could not find operation " + Param("Action") + " for version " + Param("Version")); return; }
        var action = Param("Action");
        if (action is not ("AssumeRole" or "AssumeRoleWithWebIdentity")) { await ErrorAsync(context, 400, "InvalidAction", $"Could not find operation {action} for version 2011-06-15"); return; }
        if (!System.Text.RegularExpressions.Regex.IsMatch(Param("RoleArn"), @"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$"))
        { await ErrorAsync(context, 400, "ValidationError", $"{Param("RoleArn")} is invalid"); return; }
        if (!System.Text.RegularExpressions.Regex.IsMatch(Param("RoleSessionName"), @"^[\w+=,.@-]{2,64}$"))
        { await ErrorAsync(context, 400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"); return; }

        if (action == "AssumeRoleWithWebIdentity")
        {
            if (Param("WebIdentityToken").Split('.') is not { Length: 3 } parts || parts.Any(p => p.Length == 0))
            { await ErrorAsync(context, 400, "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."); return; }
        }
        else if (FakeSigV4.Check(context, Encoding.UTF8.GetBytes(body), "sts") is { } refusal)
        {
            await ErrorAsync(context, 403, refusal.StsCode, refusal.Message);
            return;
        }

        var keyId = "ASIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
        var issued = new Known(Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), "FwoGZXIvYXdz" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)),
            DateTimeOffset.UtcNow.Add(Lifetime), Param("RoleArn"));
        Credentials[keyId] = issued;
        XNamespace ns = "https://sts.amazonaws.com/doc/2011-06-15/";
        var answer = new XElement(ns + action + "Response",
            new XElement(ns + action + "Result",
                new XElement(ns + "Credentials",
                    new XElement(ns + "AccessKeyId", keyId),
                    new XElement(ns + "SecretAccessKey", issued.SecretAccessKey),
                    new XElement(ns + "SessionToken", issued.SessionToken),
                    new XElement(ns + "Expiration", issued.Expiration!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))),
                new XElement(ns + "AssumedRoleUser",
                    new XElement(ns + "Arn", Param("RoleArn").Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal) + "/" + Param("RoleSessionName")),
                    new XElement(ns + "AssumedRoleId", "AROAFAKE:" + Param("RoleSessionName")))),
            new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", Guid.NewGuid().ToString())));
        context.Response.ContentType = "text/xml";
        await context.Response.WriteAsync(answer.ToString(SaveOptions.DisableFormatting));
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml";
        XNamespace ns = "https://sts.amazonaws.com/doc/2011-06-15/";
        await context.Response.WriteAsync(new XElement(ns + "ErrorResponse",
            new XElement(ns + "Error", new XElement(ns + "Type", status >= 500 ? "Receiver" : "Sender"), new XElement(ns + "Code", code), new XElement(ns + "Message", message)),
            new XElement(ns + "RequestId", Guid.NewGuid().ToString())).ToString(SaveOptions.DisableFormatting));
    }
}

/// <summary>
/// Checks a SigV4 header signature as AWS does, written apart from the gateway's signer so each checks the other.
/// Keys the fakes do not know starting <c>AKIA</c> pass unchecked (their secret is unknown); unknown <c>ASIA</c> keys,
/// temporary keys without their <c>x-amz-security-token</c> (signed), lapsed ones and wrong signatures are refused.
/// The request time is not checked against the clock (tests sign on fake clocks).
/// </summary>
public static class FakeSigV4
{
    /// <summary>A refusal: the codes Bedrock (JSON services) and STS (Query) use, and AWS's words.</summary>
    public sealed record Refusal(string JsonCode, string StsCode, string Message);

    public static readonly Refusal InvalidToken = new("UnrecognizedClientException", "InvalidClientTokenId", "The security token included in the request is invalid.");
    public static readonly Refusal Expired = new("ExpiredTokenException", "ExpiredToken", "The security token included in the request is expired");
    public static readonly Refusal BadSignature = new("InvalidSignatureException", "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    public static readonly Refusal Missing = new("MissingAuthenticationTokenException", "MissingAuthenticationToken", "Missing Authentication Token");

    public static Refusal? Check(HttpContext context, byte[] body, string service)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var amzDate = context.Request.Headers["x-amz-date"].ToString();
        const string prefix = "AWS4-HMAC-SHA256 Credential=";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal) || amzDate.Length != 16) return Missing;
        var parts = authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries);
        var credential = parts[0].Split('/');
        var signedHeaders = parts.FirstOrDefault(p => p.StartsWith("SignedHeaders=", StringComparison.Ordinal))?["SignedHeaders=".Length..];
        var signature = parts.FirstOrDefault(p => p.StartsWith("Signature=", StringComparison.Ordinal))?["Signature=".Length..];
        if (credential.Length != 5 || credential[3] != service || credential[4] != "aws4_request" || signedHeaders is null || signature is null) return Missing;
        var keyId = credential[0];
        var token = context.Request.Headers["x-amz-security-token"].ToString();
        var known = FakeSts.Find(keyId);
        if (known is null) return keyId.StartsWith("ASIA", StringComparison.Ordinal) ? InvalidToken : null;
        if (known.SessionToken is not null && (token != known.SessionToken || !signedHeaders.Split(';').Contains("x-amz-security-token"))) return InvalidToken;
        if (known.SessionToken is null && token.Length > 0) return InvalidToken;
        if (known.Expiration is { } expiration && DateTimeOffset.UtcNow >= expiration) return Expired;
        return Signature(context, body, credential, signedHeaders, amzDate, known.SecretAccessKey) == signature ? null : BadSignature;
    }

    private static string Signature(HttpContext context, byte[] body, string[] credential, string signedHeaders, string amzDate, string secret)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
        var question = raw.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? raw : raw[..question];
        var query = question < 0 ? "" : raw[(question + 1)..];
        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .Select(p => (K: Encode(Uri.UnescapeDataString(p[0])), V: Encode(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal).Select(p => p.K + "=" + p.V));
        var names = signedHeaders.Split(';');
        var headers = string.Concat(names.Select(n => n + ":" + string.Join(' ', (n == "host" ? context.Request.Host.Value ?? "" : context.Request.Headers[n].ToString())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)) + "\n"));
        var canonical = string.Join('\n', context.Request.Method, string.Join('/', path.Split('/').Select(Encode)), canonicalQuery, headers, signedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(body)));
        var scope = string.Join('/', credential[1..]);
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in credential[1..]) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    private static string Encode(string value) => string.Concat(Encoding.UTF8.GetBytes(value).Select(b =>
        char.IsAsciiLetterOrDigit((char)b) || (char)b is '-' or '_' or '.' or '~' ? ((char)b).ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture)));
}
