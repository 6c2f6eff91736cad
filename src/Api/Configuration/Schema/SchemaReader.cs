using Actors.Api.Providers;

namespace Actors.Api.Configuration.Schema;

/// <summary>
/// The state of one parse: the problems and warnings found so far, the line of every path visited, and what this
/// node knows (its provider drivers and its environment, for placeholders).
/// </summary>
internal sealed class SchemaReader(ProviderRegistry providers, Func<string, string?> environment)
{
    private readonly List<ConfigIssue> _problems = [];
    private readonly Dictionary<object, Use> _unused = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    private sealed class Use(string path, int line, string? reason)
    {
        public int Count = 1;
        public ConfigIssue ToWarning() => new(path, "accepted, but has no effect in this gateway" + (reason is null ? "" : $": {reason}")
            + (Count > 1 ? $" (set in {Count} places)" : ""), line);
    }

    public ProviderRegistry Providers => providers;
    public Func<string, string?> Environment => environment;
    public IReadOnlyList<ConfigIssue> Problems => _problems;
    public IReadOnlyList<ConfigIssue> Warnings => _unused.Values.Select(u => u.ToWarning()).ToArray();

    public void Problem(string path, ConfigNode? at, string message) => _problems.Add(new ConfigIssue(path, message, at?.Line ?? 0));

    /// <summary>A field that has no effect here was set: one warning per declared field, however often it is set.</summary>
    public void NoEffect(object field, string path, ConfigNode at, string? reason)
    {
        if (_unused.TryGetValue(field, out var use)) use.Count++;
        else _unused[field] = new Use(path, at.Line, reason);
    }

    public void Visit(string path, ConfigNode node) => _lines[path] = node.Line;

    /// <summary>The line of <paramref name="path"/>, or of the nearest enclosing path the parse visited.</summary>
    public int LineOf(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (_lines.TryGetValue(p, out var line)) return line;
        return 0;
    }

    private static string Parent(string path)
    {
        var cut = path.LastIndexOfAny(['.', '[']);
        return cut < 0 ? "" : path[..cut];
    }
}
