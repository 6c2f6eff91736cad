using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Actors.Api.Configuration;

/// <summary>
/// A format-neutral tree of a declarative config, so YAML and JSON bodies go through one validator. Scalars keep
/// whether they were written as strings, so <c>temperature: "1.0"</c> is a type error as it would be in decK.
/// </summary>
internal abstract record ConfigNode(int Line)
{
    /// <summary>An explicit <c>null</c> (or <c>~</c>, or nothing after the key): "the default", as in a decK dump.</summary>
    public bool IsNull => this is ConfigScalar { Text: null };
}

internal sealed record ConfigMap(int Line, IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries) : ConfigNode(Line)
{
    public ConfigNode? this[string key] => Entries.FirstOrDefault(e => e.Key == key).Value;
}

internal sealed record ConfigList(int Line, IReadOnlyList<ConfigNode> Items) : ConfigNode(Line);

/// <summary>A scalar; <see cref="Text"/> is null for an explicit null.</summary>
internal sealed record ConfigScalar(int Line, string? Text, bool IsString) : ConfigNode(Line);

internal sealed class ConfigFormatException(string message) : Exception(message);

internal static class ConfigNodeReader
{
    /// <summary>
    /// Upper bound on nodes built from one document. Aliases are expanded, so this is what stops a "billion laughs"
    /// document from exhausting memory: a real config has a few hundred nodes.
    /// </summary>
    public const int MaxNodes = 200_000;
    public const int MaxDepth = 64;

    public static ConfigNode Read(string text, bool json)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ConfigFormatException("the document is empty");
        return json ? ReadJson(text) : ReadYaml(text);
    }

    private static ConfigNode ReadJson(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var lines = new LineIndex(utf8);
        var budget = MaxNodes;
        try
        {
            if (!reader.Read()) throw new ConfigFormatException("the document is empty");
            var root = FromJson(ref reader, lines, ref budget);
            if (reader.Read()) throw new ConfigFormatException("invalid JSON: more than one value");
            return root;
        }
        catch (JsonException ex)
        {
            throw new ConfigFormatException($"invalid JSON: {ex.Message}");
        }
    }

    /// <summary>One JSON value from the token under the reader, with the line it starts on.</summary>
    private static ConfigNode FromJson(ref Utf8JsonReader reader, LineIndex lines, ref int budget)
    {
        if (--budget < 0) throw new ConfigFormatException($"the document has more than {MaxNodes} nodes");
        var line = lines.LineOf(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    if (!seen.Add(name)) throw new ConfigFormatException($"line {lines.LineOf(reader.TokenStartIndex)}: duplicate key '{name}'");
                    reader.Read();
                    entries.Add(new(name, FromJson(ref reader, lines, ref budget)));
                }
                return new ConfigMap(line, entries);
            case JsonTokenType.StartArray:
                var items = new List<ConfigNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(FromJson(ref reader, lines, ref budget));
                return new ConfigList(line, items);
            case JsonTokenType.String:
                return new ConfigScalar(line, reader.GetString(), IsString: true);
            case JsonTokenType.Null:
                return new ConfigScalar(line, null, IsString: false);
            default:
                return new ConfigScalar(line, Encoding.UTF8.GetString(reader.ValueSpan), IsString: false);
        }
    }

    /// <summary>Byte offset → 1-based line, so JSON problems name lines as YAML ones do.</summary>
    private sealed class LineIndex(byte[] utf8)
    {
        private readonly int[] _newlines = [.. Enumerable.Range(0, utf8.Length).Where(i => utf8[i] == (byte)'\n')];

        public int LineOf(long offset)
        {
            var index = Array.BinarySearch(_newlines, (int)offset);
            return (index < 0 ? ~index : index) + 1;
        }
    }

    private static ConfigNode ReadYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ConfigFormatException($"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // The YAML library reports some malformed documents this way rather than with a YamlException.
            throw new ConfigFormatException($"invalid YAML: {ex.Message}");
        }
        if (stream.Documents.Count == 0) throw new ConfigFormatException("the document is empty");
        if (stream.Documents.Count > 1) throw new ConfigFormatException("expected one YAML document, found " + stream.Documents.Count);
        var budget = MaxNodes;
        return FromYaml(stream.Documents[0].RootNode, ref budget, 0);
    }

    private static ConfigNode FromYaml(YamlNode node, ref int budget, int depth)
    {
        if (--budget < 0) throw new ConfigFormatException($"the document has more than {MaxNodes} nodes (after expanding aliases)");
        if (depth > MaxDepth) throw new ConfigFormatException($"the document nests deeper than {MaxDepth} levels");
        var line = (int)node.Start.Line;
        switch (node)
        {
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key }) throw new ConfigFormatException($"line {k.Start.Line}: keys must be plain strings");
                    entries.Add(new(key, FromYaml(v, ref budget, depth + 1)));
                }
                return new ConfigMap(line, entries);
            case YamlSequenceNode seq:
                var items = new List<ConfigNode>();
                foreach (var item in seq.Children) items.Add(FromYaml(item, ref budget, depth + 1));
                return new ConfigList(line, items);
            case YamlScalarNode scalar:
                var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                var isNull = !quoted && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
                return new ConfigScalar(line, isNull ? null : scalar.Value, quoted);
            default:
                throw new ConfigFormatException($"line {line}: unsupported YAML node");
        }
    }
}
