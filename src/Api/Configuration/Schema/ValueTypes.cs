using System.Globalization;
using System.Text.Json.Nodes;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration.Schema;

/// <summary>
/// How one kind of decK value is read (reporting its own problems) and written back. <c>TryRead</c> is only called
/// for a present, non-null node: absence and <c>null</c> mean "the default" and are handled by the field.
/// </summary>
internal interface IValueType<V>
{
    bool TryRead(ConfigNode node, SchemaReader reader, string path, out V value);
    JsonNode? Write(V value);
    /// <summary>An empty list or mapping: present, but not "using" the field.</summary>
    bool IsEmpty(V value) => false;
}

/// <summary>A scalar that can also live as text, in <see cref="ModelOptions.ProviderOptions"/>.</summary>
internal interface IScalarType<V> : IValueType<V>
{
    string ToText(V value);
    bool TryParseText(string text, out V value);
}

/// <summary>Where <c>${{ env "DECK_..." }}</c> placeholders may appear in a string.</summary>
internal enum EnvUse { Forbidden, Allowed, Required }

internal static class NodeChecks
{
    public static bool TryScalar(ConfigNode node, SchemaReader reader, string path, string expected, out ConfigScalar scalar)
    {
        if (node is ConfigScalar { Text: not null } s) { scalar = s; return true; }
        reader.Problem(path, node, $"must be {expected}");
        scalar = null!;
        return false;
    }

    public static bool ExpectMap(ConfigNode node, SchemaReader reader, string path, out ConfigMap map)
    {
        if (node is ConfigMap m) { map = m; return true; }
        reader.Problem(path, node, "must be a mapping (object)");
        map = null!;
        return false;
    }
}

internal sealed class TextType(Choices? oneOf = null, EnvUse env = EnvUse.Forbidden, bool notEmpty = false,
    Func<string, SchemaReader, string?>? check = null) : IScalarType<string>
{
    public static readonly TextType Any = new();
    public const string PlaceholderPlaces = "env placeholders are supported only in auth values and model.options.upstream_url";

    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out string value)
    {
        value = "";
        if (!NodeChecks.TryScalar(node, reader, path, "a string", out var scalar)) return false;
        var text = scalar.Text!;
        if (notEmpty && text.Length == 0) { reader.Problem(path, node, "must not be empty"); return false; }
        if (ReportPlaceholderProblems(text, reader, path, node)) return false;
        if ((oneOf?.Problem(text) ?? check?.Invoke(text, reader)) is { } problem) { reader.Problem(path, node, problem); return false; }
        value = text;
        return true;
    }

    /// <summary>Reports what is wrong with the placeholders in <paramref name="text"/>, here and on this node; true when anything is.</summary>
    private bool ReportPlaceholderProblems(string text, SchemaReader reader, string path, ConfigNode node)
    {
        var problems = new List<string>();
        if (!EnvPlaceholders.Contains(text))
        {
            if (env == EnvUse.Required) problems.Add(EnvPlaceholders.LiteralCredentialProblem);
        }
        else if (env == EnvUse.Forbidden) problems.Add(PlaceholderPlaces);
        else if (EnvPlaceholders.SyntaxProblem(text) is { } syntax) problems.Add(syntax);
        else problems.AddRange(EnvPlaceholders.Names(text).Where(n => reader.Environment(n) is null)
            .Select(n => $"environment variable '{n}' is not set on this node"));
        foreach (var p in problems) reader.Problem(path, node, p);
        return problems.Count > 0;
    }

    public JsonNode? Write(string value) => JsonValue.Create(value);
    public string ToText(string value) => value;
    public bool TryParseText(string text, out string value) { value = text; return true; }
}

internal sealed class IntegerType(IntRange range) : IScalarType<int>
{
    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out int value)
    {
        value = 0;
        if (!NodeChecks.TryScalar(node, reader, path, "an integer", out var scalar)) return false;
        if (scalar.IsString || !long.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            reader.Problem(path, node, "must be an integer");
            return false;
        }
        if (!range.Contains(parsed)) { reader.Problem(path, node, range.Problem); return false; }
        value = (int)parsed;
        return true;
    }

    public JsonNode? Write(int value) => JsonValue.Create(value);
    public string ToText(int value) => value.ToString(CultureInfo.InvariantCulture);
    public bool TryParseText(string text, out int value) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}

internal sealed class NumberType(NumberRange range) : IScalarType<double>
{
    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out double value)
    {
        value = 0;
        if (!NodeChecks.TryScalar(node, reader, path, "a number", out var scalar)) return false;
        if (scalar.IsString || !double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            reader.Problem(path, node, "must be a number");
            return false;
        }
        if (!range.Contains(value)) { reader.Problem(path, node, range.Problem); return false; }
        return true;
    }

    public JsonNode? Write(double value) => JsonValue.Create(value);
    public string ToText(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public bool TryParseText(string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}

internal sealed class FlagType : IScalarType<bool>
{
    public static readonly FlagType Instance = new();

    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out bool value)
    {
        value = false;
        if (!NodeChecks.TryScalar(node, reader, path, "a boolean", out var scalar)) return false;
        if (!scalar.IsString && bool.TryParse(scalar.Text, out value)) return true;
        reader.Problem(path, node, "must be a boolean");
        return false;
    }

    public JsonNode? Write(bool value) => JsonValue.Create(value);
    public string ToText(bool value) => value ? "true" : "false";
    public bool TryParseText(string text, out bool value) => bool.TryParse(text, out value);
}

/// <summary>
/// A list. A record item that cannot be read stays in place as its default, so the others keep their index; a list
/// of scalars with a bad item keeps only the good ones.
/// </summary>
internal sealed class ListType<V>(IValueType<V> item, Func<V>? placeholder = null) : IValueType<IReadOnlyList<V>>
{
    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out IReadOnlyList<V> value)
    {
        var items = new List<V>();
        value = items;
        if (node is not ConfigList list) { reader.Problem(path, node, "must be a list"); return false; }
        for (var i = 0; i < list.Items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            reader.Visit(itemPath, list.Items[i]);
            if (item.TryRead(list.Items[i], reader, itemPath, out var v)) items.Add(v);
            else if (placeholder is not null) items.Add(placeholder());
        }
        return true;
    }

    public JsonNode? Write(IReadOnlyList<V> value) => new JsonArray(value.Select(item.Write).ToArray());
    public bool IsEmpty(IReadOnlyList<V> value) => value.Count == 0;
}

/// <summary>A nested mapping read by its own entity declaration.</summary>
internal sealed class RecordType<V>(Entity<V> entity) : IValueType<V> where V : new()
{
    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out V value)
    {
        value = new V();
        if (!NodeChecks.ExpectMap(node, reader, path, out var map)) return false;
        value = entity.Read(map, reader, path);
        return true;
    }

    public JsonNode? Write(V value) => entity.Write(value);
}

/// <summary>A free-form mapping (Kong's <c>metadata</c>, a vector store's connection block): any keys, kept unread.</summary>
internal sealed class MappingType : IValueType<ConfigMap>
{
    public static readonly MappingType Instance = new();

    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out ConfigMap value) =>
        NodeChecks.ExpectMap(node, reader, path, out value);

    public JsonNode? Write(ConfigMap value) => null;
    public bool IsEmpty(ConfigMap value) => value.Entries.Count == 0;
}

/// <summary>Any value at all; an empty list or mapping counts as not set.</summary>
internal sealed class AnyType : IValueType<ConfigNode>
{
    public static readonly AnyType Instance = new();

    public bool TryRead(ConfigNode node, SchemaReader reader, string path, out ConfigNode value)
    {
        value = node;
        return true;
    }

    public JsonNode? Write(ConfigNode value) => null;
    public bool IsEmpty(ConfigNode value) => value is ConfigList { Items.Count: 0 } or ConfigMap { Entries.Count: 0 };
}
