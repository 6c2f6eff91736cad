using System.Reflection;

namespace Actors.Api.Admin;

/// <summary>Our own live view of every route (<c>/dashboard/routes</c>), next to the Orleans Dashboard.</summary>
public static class RoutesPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Actors.Api.Admin.routes.html")
            ?? throw new InvalidOperationException("routes.html is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
