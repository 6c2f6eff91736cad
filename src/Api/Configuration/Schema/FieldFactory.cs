using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Configuration.Schema;

/// <summary>
/// The vocabulary of field declarations for entities of <typeparamref name="T"/>. <c>get</c> and <c>set</c> bind a
/// field to the spec; a field without them is accepted and checked but not kept.
/// </summary>
internal sealed class FieldFactory<T> where T : new()
{
    public static readonly FieldFactory<T> Instance = new();

    public Field<T> Text(string name, Func<T, object?>? get = null, Func<T, string, T>? set = null, Choices? oneOf = null,
        EnvUse env = EnvUse.Forbidden, bool notEmpty = false, Func<string, SchemaReader, string?>? check = null) =>
        new ValueField<T, string>(name, new TextType(oneOf, env, notEmpty, check), get, set);

    public Field<T> Int(string name, IntRange range, Func<T, object?>? get = null, Func<T, int, T>? set = null) =>
        new ValueField<T, int>(name, new IntegerType(range), get, set);

    public Field<T> Number(string name, NumberRange range, Func<T, object?>? get = null, Func<T, double, T>? set = null) =>
        new ValueField<T, double>(name, new NumberType(range), get, set);

    public Field<T> Flag(string name, Func<T, object?>? get = null, Func<T, bool, T>? set = null) =>
        new ValueField<T, bool>(name, FlagType.Instance, get, set);

    public Field<T> TextList(string name, Func<T, object?>? get = null, Func<T, IReadOnlyList<string>, T>? set = null, Choices? oneOf = null) =>
        new ValueField<T, IReadOnlyList<string>>(name, new ListType<string>(new TextType(oneOf)), get, set);

    public Field<T> Record<V>(string name, Entity<V> entity, Func<T, object?>? get = null, Func<T, V, T>? set = null) where V : new() =>
        new ValueField<T, V>(name, new RecordType<V>(entity), get, set);

    public Field<T> Records<V>(string name, Entity<V> entity, Func<T, object?>? get = null, Func<T, IReadOnlyList<V>, T>? set = null) where V : new() =>
        new ValueField<T, IReadOnlyList<V>>(name, new ListType<V>(new RecordType<V>(entity), () => new V()), get, set);

    /// <summary>A nested mapping whose fields are kept on the same spec object.</summary>
    public Field<T> Group(string name, Entity<T> entity) => new GroupField<T>(name, entity);

    /// <summary>A free-form mapping, accepted with any keys and not kept.</summary>
    public Field<T> Mapping(string name) => new ValueField<T, ConfigMap>(name, MappingType.Instance, null, null);

    /// <summary>Any value (Kong's bookkeeping: ids, tags, timestamps), accepted and not kept.</summary>
    public Field<T> Any(string name) => new ValueField<T, ConfigNode>(name, AnyType.Instance, null, null);

    public IEnumerable<Field<T>> Ignored(params string[] names) => names.Select(Any);

    /// <summary>Fields the parser reads with its own code (nesting of entities), declared so they are known.</summary>
    public IEnumerable<Field<T>> Structural(params string[] names) => names.Select(n => Any(n).Structural());
}

/// <summary>Declarations of provider-specific model options, kept under <c>prefix + name</c> in <see cref="ModelOptions.ProviderOptions"/>.</summary>
internal sealed class ProviderOptionFactory(string prefix)
{
    public static readonly ProviderOptionFactory TopLevel = new("");

    public Field<ModelOptions> Text(string name, Choices? oneOf = null) => new ProviderOptionField<string>(name, prefix + name, new TextType(oneOf));
    public Field<ModelOptions> Flag(string name) => new ProviderOptionField<bool>(name, prefix + name, FlagType.Instance);
    public Field<ModelOptions> Int(string name, IntRange range) => new ProviderOptionField<int>(name, prefix + name, new IntegerType(range));

    /// <summary>A nested block of options such as <c>bedrock: {aws_region: ...}</c>, kept as <c>bedrock.aws_region</c>.</summary>
    public static Field<ModelOptions> Group(string name, Func<ProviderOptionFactory, IReadOnlyList<Field<ModelOptions>>> fields) =>
        new GroupField<ModelOptions>(name, Entity<ModelOptions>.Of(fields(new ProviderOptionFactory(name + "."))));
}
