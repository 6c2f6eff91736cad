using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>Either a valid config or every problem found, each as <c>path: message</c>.</summary>
public sealed record ConfigParseResult(GatewayConfig? Config, IReadOnlyList<string> Problems)
{
    public bool IsValid => Config is not null && Problems.Count == 0;
}
