using Actors.Api.Configuration;
using Actors.Api.Providers;

namespace Actors.Tests.Configuration;

/// <summary>Parses decK text as a node would, with a fixed environment holding the test's DECK_ variables.</summary>
internal static class DeckParsing
{
    public static readonly IReadOnlyDictionary<string, string> Env = new Dictionary<string, string>
    {
        ["DECK_OPENAI_API_KEY"] = "sk-test", ["DECK_HOST"] = "http://127.0.0.1:9", ["DECK_AWS_SECRET"] = "aws-secret",
    };

    public static ConfigParseResult Parse(string text, bool json = false, IDictionary<string, string>? env = null, ProviderRegistry? providers = null) =>
        new DeckConfigParser(providers ?? ProviderRegistry.Default, name => env is null ? Env.GetValueOrDefault(name) : env.TryGetValue(name, out var v) ? v : null)
            .Parse(text, json);
}
