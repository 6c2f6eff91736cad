using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing.Semantic;

/// <summary>What a <c>semantic</c> route needs on this node: its description groups and its embeddings endpoint.</summary>
public sealed class SemanticRoute(SemanticGroups groups, EmbeddingsEndpoint endpoint)
{
    public SemanticGroups Groups { get; } = groups;
    public EmbeddingsEndpoint Endpoint { get; } = endpoint;

    /// <summary>Null unless the route balances with <c>semantic</c> (the config check makes sure it then has embeddings).</summary>
    public static SemanticRoute? For(RouteSpec spec, ProviderRegistry providers, Func<string, string?> environment) =>
        spec.Balancer.Algorithm == BalancerAlgorithms.Semantic && spec.Embeddings is { } embeddings
            ? new SemanticRoute(new SemanticGroups(spec.Targets, spec.VectorDb),
                EmbeddingsEndpoint.Resolve(embeddings, spec.VectorDb?.Dimensions is > 0 and var d ? d : null, providers, environment))
            : null;
}
