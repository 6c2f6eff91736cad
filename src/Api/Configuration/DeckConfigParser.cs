using Actors.Api.Configuration.Schema;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration;

/// <summary>
/// Reads a Kong decK file (<c>_format_version: "3.0"</c>, services → routes → plugin <c>ai-proxy-advanced</c>) into a
/// <see cref="GatewayConfig"/>, collecting every problem with its path and line instead of stopping at the first.
/// Every field is declared once (<see cref="AiProxyAdvancedSchema"/>, <see cref="KongEntitySchema"/>); the parse
/// then asks the model to validate itself (<see cref="GatewayConfig.Validate()"/>), so the parser and the config
/// grain refuse the same configs with the same words.
/// </summary>
public sealed class DeckConfigParser(ProviderRegistry providers, Func<string, string?> environment)
{
    public ConfigParseResult Parse(string text, bool json)
    {
        ConfigNode root;
        try
        {
            root = ConfigNodeReader.Read(text, json);
        }
        catch (ConfigFormatException ex)
        {
            return new ConfigParseResult(null, [ex.Message]);
        }
        var reader = new SchemaReader(providers, environment);
        var document = new DeckDocumentReader(reader);
        var config = document.Read(root);
        var problems = reader.Problems.Concat(ModelProblems(config, document, reader)).Select(p => p.ToString()).Distinct().ToArray();
        var warnings = reader.Warnings.Select(w => w.ToString()).ToArray();
        return new ConfigParseResult(problems.Length == 0 ? config : null, problems) { Warnings = warnings };
    }

    /// <summary>
    /// The model's own problems, at the parser's paths and lines. One at a path the parse already reported on, inside
    /// it, or enclosing one of its fields is a consequence of that problem and is left out.
    /// </summary>
    private static IEnumerable<ConfigIssue> ModelProblems(GatewayConfig config, DeckDocumentReader document, SchemaReader reader)
    {
        var reported = reader.Problems.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        bool Follows(string path) => reported.Any(q => q == path || path.StartsWith(q + ".", StringComparison.Ordinal)
            || path.StartsWith(q + "[", StringComparison.Ordinal) || q.StartsWith(path + ".", StringComparison.Ordinal));
        return config.Validate(document.Locate, document.LocateRateLimit)
            .Where(p => !Follows(p.Path))
            .Select(p => new ConfigIssue(p.Path, p.Message, reader.LineOf(p.Path)));
    }
}
