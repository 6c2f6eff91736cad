namespace Actors.Api.Hosting;

/// <summary>
/// The proxy and admin listeners share one Kestrel server; a request belongs to the admin API when it arrived on
/// an admin port. The local port decides, never the Host header, which a client controls.
/// </summary>
public sealed class Listeners
{
    public const string DefaultProxyUrls = "http://127.0.0.1:8000";

    private Listeners(IReadOnlyList<string> proxyUrls, IReadOnlyList<Uri> adminUrls)
    {
        ProxyUrls = proxyUrls;
        AdminUrls = adminUrls;
        AdminPorts = adminUrls.Select(u => u.Port).ToHashSet();
    }

    public IReadOnlyList<string> ProxyUrls { get; }
    public IReadOnlyList<Uri> AdminUrls { get; }
    public IReadOnlySet<int> AdminPorts { get; }

    public bool IsAdmin(HttpContext context) => AdminPorts.Contains(context.Connection.LocalPort);

    public static Listeners FromConfiguration(IConfiguration configuration, List<string> problems)
    {
        var admin = configuration.GetSection(AdminOptions.SectionName).Get<AdminOptions>() ?? new AdminOptions();
        var adminUrls = admin.ParseUrls(out var adminProblems);
        problems.AddRange(adminProblems);
        var proxyUrls = (configuration["urls"] ?? DefaultProxyUrls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var listeners = new Listeners(proxyUrls, adminUrls);
        foreach (var url in proxyUrls)
        {
            var normalized = url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && listeners.AdminPorts.Contains(uri.Port))
                problems.Add($"urls entry '{url}' uses an admin port; the proxy and admin listeners need different ports");
        }
        return listeners;
    }
}
