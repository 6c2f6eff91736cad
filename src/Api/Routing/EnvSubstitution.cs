using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>Resolves <c>${{ env "..." }}</c> placeholders from this node's environment, remembering the variables it lacks.</summary>
internal sealed class EnvSubstitution(Func<string, string?> environment)
{
    private readonly List<string> _missing = [];

    public string? Resolve(string? value)
    {
        if (value is null) return null;
        var resolved = EnvPlaceholders.Resolve(value, environment, out var absent);
        _missing.AddRange(absent);
        return resolved;
    }

    /// <summary>Which variables were missing, as a node-side problem; null when none was.</summary>
    public string? Problem => _missing.Count > 0 ? $"environment variable {string.Join(", ", _missing.Distinct())} is not set on this gateway node" : null;
}
