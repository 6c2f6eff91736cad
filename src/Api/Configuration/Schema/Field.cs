using System.Collections;
using System.Text.Json.Nodes;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration.Schema;

/// <summary>What this gateway does with a declared field.</summary>
internal enum FieldUse
{
    /// <summary>Read into the spec (or used by the parser) and acted on.</summary>
    Applied,
    /// <summary>Accepted and kept as data, but not acted on: setting it yields one warning naming it.</summary>
    NoEffect,
    /// <summary>Known, but setting it would be unsafe to ignore: the config is refused, saying why.</summary>
    Refused,
    /// <summary>Read by the parser's own code (entity nesting, plugins), not by the generic reader.</summary>
    Structural,
}

/// <summary>One field of a decK entity: its name, whether it is required, and how it is read into and written from <typeparamref name="T"/>.</summary>
internal abstract class Field<T>(string name)
{
    public string Name => name;
    public bool IsRequired { get; private set; }
    public FieldUse Use { get; private set; }
    /// <summary>For <see cref="FieldUse.NoEffect"/>: why (optional); for <see cref="FieldUse.Refused"/>: the problem.</summary>
    public string? Reason { get; private set; }
    /// <summary>The value that counts as "not set" for warnings and refusals, when the spec's own default is not it.</summary>
    protected (bool Declared, object? Value) KongDefault { get; private set; }

    public Field<T> Required() { IsRequired = true; return this; }
    public Field<T> NoEffect(string? why = null) { Use = FieldUse.NoEffect; Reason = why; return this; }
    public Field<T> Refused(string problem) { Use = FieldUse.Refused; Reason = problem; return this; }
    public Field<T> Structural() { Use = FieldUse.Structural; return this; }
    public Field<T> Default(object value) { KongDefault = (true, value); return this; }

    /// <summary>Reads a present, non-null node into <paramref name="target"/>; returns it unchanged on a problem.</summary>
    public abstract T Read(T target, ConfigNode node, SchemaReader reader, string path);

    /// <summary>The field's value in <paramref name="source"/> as decK JSON; null when unset or not kept in the spec.</summary>
    public abstract JsonNode? Write(T source);
}

/// <summary>A field holding one value of type <typeparamref name="V"/>; unbound (no get/set) when the spec does not keep it.</summary>
internal sealed class ValueField<T, V>(string name, IValueType<V> type, Func<T, object?>? get, Func<T, V, T>? set) : Field<T>(name)
    where T : new()
{
    public override T Read(T target, ConfigNode node, SchemaReader reader, string path)
    {
        if (!type.TryRead(node, reader, path, out var value)) return target;
        if (Use is FieldUse.NoEffect or FieldUse.Refused && IsSet(value))
        {
            if (Use == FieldUse.Refused) { reader.Problem(path, node, Reason!); return target; }
            reader.NoEffect(this, path, node, Reason);
        }
        return set is null ? target : set(target, value);
    }

    public override JsonNode? Write(T source) => get?.Invoke(source) is { } value ? type.Write((V)value) : null;

    /// <summary>Present with something else than the default: what a dump writes for an unused field is not "set".</summary>
    private bool IsSet(V value)
    {
        if (type.IsEmpty(value)) return false;
        var defaultValue = KongDefault.Declared ? KongDefault.Value : get?.Invoke(new T());
        if (defaultValue is IEnumerable a && value is IEnumerable b and not string) return !a.Cast<object>().SequenceEqual(b.Cast<object>());
        return !Equals(defaultValue, value);
    }
}

/// <summary>A nested mapping whose fields belong to the same spec object (Kong's <c>model</c> inside a target).</summary>
internal sealed class GroupField<T>(string name, Entity<T> entity) : Field<T>(name) where T : new()
{
    public override T Read(T target, ConfigNode node, SchemaReader reader, string path) =>
        NodeChecks.ExpectMap(node, reader, path, out var map) ? entity.ReadInto(map, reader, path, target) : target;

    public override JsonNode? Write(T source) => entity.Write(source);
}

/// <summary>A provider-specific model option, kept as text in <see cref="ModelOptions.ProviderOptions"/> under <paramref name="key"/>.</summary>
internal sealed class ProviderOptionField<V>(string name, string key, IScalarType<V> type) : Field<ModelOptions>(name)
{
    public override ModelOptions Read(ModelOptions target, ConfigNode node, SchemaReader reader, string path)
    {
        if (!type.TryRead(node, reader, path, out var value)) return target;
        var options = new Dictionary<string, string>(target.ProviderOptions) { [key] = type.ToText(value) };
        return target with { ProviderOptions = options };
    }

    public override JsonNode? Write(ModelOptions source) =>
        source.ProviderOptions.TryGetValue(key, out var text) && type.TryParseText(text, out var value) ? type.Write(value) : null;
}
