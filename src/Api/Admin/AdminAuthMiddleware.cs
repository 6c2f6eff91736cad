using Actors.Api.Errors;
using System.Security.Cryptography;
using System.Text;
using Actors.Api.Proxy;

namespace Actors.Api.Admin;

/// <summary>
/// Guards the admin listener with <c>Admin:Token</c>: a Bearer token, or the token as the Basic-auth password (any
/// user name) so a browser can log in to the dashboard. Health probes stay open. Tokens are compared in constant time.
/// </summary>
public sealed class AdminAuthMiddleware(RequestDelegate next, string token)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals("/healthz") || path.Equals("/readyz") || Authorized(context.Request.Headers.Authorization.ToString()))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"actors-admin\", charset=\"UTF-8\"";
        await new GatewayError(401, OpenAIError.Authentication, "the admin API needs Authorization: Bearer <Admin:Token>").WriteAsync(context);
    }

    private bool Authorized(string header)
    {
        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) presented = header[7..].Trim();
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                presented = colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                presented = null;
            }
        }
        // Hashing first makes the comparison's length fixed, so its time says nothing about the token.
        return presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expected);
    }
}
