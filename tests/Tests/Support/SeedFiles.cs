namespace Actors.Tests.Support;

/// <summary>The files our users already have, read from ../shared beside the repository.</summary>
public static class SeedFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SeedYamlPath => Path.Combine(RepositoryRoot, "..", "shared", "examples", "ai-proxy-advanced.yaml");

    public static string SeedYaml => File.ReadAllText(SeedYamlPath);

    /// <summary>The seed file with each target pointed at its own upstream, as the offline demo does.</summary>
    public static string SeedYamlWithUpstreams(params string[] upstreamUrls)
    {
        var text = SeedYaml.ReplaceLineEndings("\n");
        var parts = text.Split("              temperature: 1.0\n");
        if (parts.Length != upstreamUrls.Length + 1) throw new InvalidOperationException("the seed file changed shape");
        var result = parts[0];
        for (var i = 0; i < upstreamUrls.Length; i++)
            result += $"              temperature: 1.0\n              upstream_url: {upstreamUrls[i]}\n" + parts[i + 1];
        return result;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Actors.sln not found above " + AppContext.BaseDirectory);
    }
}
