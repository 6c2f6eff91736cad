using System.Text.Json.Nodes;

namespace Actors.Api.Configuration.Schema;

/// <summary>
/// The declaration of one decK entity, as Kong's <c>kong/llm/schemas/init.lua</c> declares its records: its fields
/// (name, type, range, allowed values, required, what this gateway does with it) and entity-level checks. The same
/// declaration reads a mapping into <typeparamref name="T"/> (reporting unknown fields, bad values, and the fields
/// that have no effect here) and writes <typeparamref name="T"/> back as decK JSON.
/// </summary>
internal sealed class Entity<T> where T : new()
{
    private readonly Dictionary<string, Field<T>> _byName;
    private readonly Func<string, string> _unknown;
    private readonly List<(string Field, Func<T, SchemaReader, string?> Rule)> _checks = [];

    private Entity(IReadOnlyList<Field<T>> fields, Func<string, string>? unknown)
    {
        Fields = fields;
        _byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _unknown = unknown ?? (_ => "unknown field");
    }

    public IReadOnlyList<Field<T>> Fields { get; }

    /// <summary>Declares an entity; <paramref name="unknown"/> words the problem for an undeclared key.</summary>
    public static Entity<T> Declare(Func<FieldFactory<T>, IReadOnlyList<Field<T>>> fields, Func<string, string>? unknown = null) =>
        new(fields(FieldFactory<T>.Instance), unknown);

    public static Entity<T> Of(IReadOnlyList<Field<T>> fields) => new(fields, null);

    /// <summary>An entity-level rule (Kong's entity checks) run after the fields; its problem is reported at <paramref name="field"/>.</summary>
    public Entity<T> Check(string field, Func<T, SchemaReader, string?> rule)
    {
        _checks.Add((field, rule));
        return this;
    }

    public T Read(ConfigMap map, SchemaReader reader, string path) => ReadInto(map, reader, path, new T());

    public T ReadInto(ConfigMap map, SchemaReader reader, string path, T target)
    {
        foreach (var (key, node) in map.Entries.Where(e => !_byName.ContainsKey(e.Key)))
            reader.Problem(Join(path, key), node, _unknown(key));
        foreach (var field in Fields)
        {
            var node = map[field.Name];
            var fieldPath = Join(path, field.Name);
            if (node is null || node.IsNull)
            {
                if (field.IsRequired) reader.Problem(fieldPath, map, "required");
                continue;
            }
            reader.Visit(fieldPath, node);
            if (field.Use != FieldUse.Structural) target = field.Read(target, node, reader, fieldPath);
        }
        foreach (var (field, rule) in _checks)
            if (rule(target, reader) is { } problem) reader.Problem(Join(path, field), map, problem);
        return target;
    }

    /// <summary>The fields the spec keeps, as a decK mapping; null when none is set.</summary>
    public JsonObject? Write(T source)
    {
        var obj = new JsonObject();
        foreach (var field in Fields)
            if (field.Write(source) is { } value) obj[field.Name] = value;
        return obj.Count == 0 ? null : obj;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
