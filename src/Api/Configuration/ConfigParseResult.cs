using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// Either a valid config or every problem found, each as <c>path: message (line N)</c>; and the warnings for fields
/// this gateway accepts but does not act on, each naming the field once.
/// </summary>
public sealed record ConfigParseResult(GatewayConfig? Config, IReadOnlyList<string> Problems)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool IsValid => Config is not null && Problems.Count == 0;
}

/// <summary>A problem or warning at a place in the document; <see cref="Line"/> is 0 when the format gives no lines.</summary>
public sealed record ConfigIssue(string Path, string Message, int Line)
{
    public override string ToString() => Line > 0 ? $"{Path}: {Message} (line {Line})" : $"{Path}: {Message}";
}
