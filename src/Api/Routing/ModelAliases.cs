using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// Kong's <c>targets[].model.model_alias</c>: a request whose <c>model</c> is a target's alias goes to that target.
/// The choice is made by leaving every other target out of the pick, so among targets sharing the alias the route's
/// algorithm and circuit breaker still decide; a model no alias names leaves nothing out.
/// </summary>
public sealed class ModelAliases
{
    private readonly Dictionary<string, ulong> _excludedByAlias = new(StringComparer.Ordinal);

    public ModelAliases(IReadOnlyList<TargetSpec> targets)
    {
        ulong all = targets.Count >= 64 ? ulong.MaxValue : (1UL << targets.Count) - 1;
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i].ModelAlias is not { Length: > 0 } alias) continue;
            var others = _excludedByAlias.GetValueOrDefault(alias, all);
            _excludedByAlias[alias] = others & ~(1UL << i);
        }
    }

    /// <summary>The targets (a bit per index) a request naming <paramref name="model"/> must not be sent to; 0 when no alias matches.</summary>
    public ulong Excluded(string? model) => model is not null && _excludedByAlias.TryGetValue(model, out var excluded) ? excluded : 0;
}
