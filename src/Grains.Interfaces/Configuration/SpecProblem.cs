namespace Actors.Grains.Interfaces.Configuration;

/// <summary>One reason a config cannot be applied: where (a decK path such as <c>services[0].routes[1].name</c>) and why.</summary>
public sealed record SpecProblem(string Path, string Message)
{
    public const string Required = "required";

    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Where a route's parts sit in the decK document, so the model reports problems with decK paths.</summary>
/// <param name="Route">The route entity, e.g. <c>services[0].routes[2]</c>.</param>
/// <param name="Config">Its <c>ai-proxy-advanced</c> plugin's <c>config</c>, on the route or on its service.</param>
public readonly record struct RoutePaths(string Route, string Config)
{
    /// <summary>The paths a route has in the document <c>GET /config</c> writes.</summary>
    public static RoutePaths InDocument(int service, int route, RouteSpec spec)
    {
        var routePath = $"services[{service}].routes[{route}]";
        var owner = spec.PluginScope == RouteSpec.ServiceScope ? $"services[{service}]" : routePath;
        return new RoutePaths(routePath, $"{owner}.plugins[{KongPlugins.AiProxyAdvanced}].config");
    }
}

/// <summary>Collects problems in the order found, each once (a service's plugin is checked once per route it serves).</summary>
public sealed class SpecProblems
{
    private readonly List<SpecProblem> _items = [];
    private readonly HashSet<SpecProblem> _seen = [];

    public IReadOnlyList<SpecProblem> Items => _items;

    public void Add(string path, string message)
    {
        var problem = new SpecProblem(path, message);
        if (_seen.Add(problem)) _items.Add(problem);
    }

    public void AddIf(string? message, string path)
    {
        if (message is not null) Add(path, message);
    }

    public void Range(long? value, IntRange range, string path)
    {
        if (value is { } v && !range.Contains(v)) Add(path, range.Problem);
    }

    public void Range(double? value, NumberRange range, string path)
    {
        if (value is { } v && !range.Contains(v)) Add(path, range.Problem);
    }

    /// <summary>Fields of <paramref name="at"/> that share one range (the timeouts, the costs), in the order given.</summary>
    public void Ranges(IntRange range, string at, params ReadOnlySpan<(long? Value, string Field)> fields)
    {
        foreach (var (value, field) in fields) Range(value, range, $"{at}.{field}");
    }

    public void Ranges(NumberRange range, string at, params ReadOnlySpan<(double? Value, string Field)> fields)
    {
        foreach (var (value, field) in fields) Range(value, range, $"{at}.{field}");
    }

    public void Choice(string? value, Choices choices, string path)
    {
        if (value is not null) AddIf(choices.Problem(value), path);
    }
}
