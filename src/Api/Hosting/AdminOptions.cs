namespace Actors.Api.Hosting;

/// <summary>The <c>Admin</c> configuration section: where the admin API, health and dashboard listen.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Semicolon-separated URLs, like ASP.NET's <c>urls</c>; each needs an explicit port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8001";

    /// <summary>
    /// When set, every admin request except <c>/healthz</c> and <c>/readyz</c> needs <c>Authorization: Bearer
    /// &lt;token&gt;</c> (or the token as the Basic-auth password, so a browser can open the dashboard). Without a token
    /// the admin listener may only bind to loopback.
    /// </summary>
    public string? Token { get; set; }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));

    public IReadOnlyList<Uri> ParseUrls(out List<string> problems)
    {
        problems = [];
        var result = new List<Uri>();
        foreach (var raw in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel accepts wildcard hosts (http://*:8001, http://+:8001) that Uri does not.
            var normalized = raw.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.IsDefaultPort && !raw.Contains(":" + uri.Port))
                problems.Add($"Admin:Urls entry '{raw}' must be an http(s) URL with an explicit port");
            else if (uri.Port == 0)
                problems.Add($"Admin:Urls entry '{raw}' needs a fixed port");
            else
                result.Add(uri);
        }
        if (result.Count == 0 && problems.Count == 0) problems.Add("Admin:Urls must name at least one URL");
        if (string.IsNullOrEmpty(Token))
        {
            foreach (var uri in result.Where(u => !IsLoopback(u)))
                problems.Add($"Admin:Urls entry '{uri.OriginalString}' is not a loopback address; set Admin:Token (or Admin__Token) so the admin API is not open to the network");
        }
        else if (Token.Length < 16) problems.Add("Admin:Token must be at least 16 characters");
        return result;
    }
}
