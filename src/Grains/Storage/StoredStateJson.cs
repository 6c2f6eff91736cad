using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Actors.Grains.Configuration;
using Actors.Grains.Routes;

namespace Actors.Grains.Storage;

/// <summary>
/// The explicit JSON contract of everything this gateway stores: plain JSON with snake_case names, no CLR type
/// names, nothing compiler-generated. Unknown members are skipped and missing ones keep their declared defaults, so
/// the next version reads what this one wrote and the other way round.
/// </summary>
/// <remarks>
/// Reflection, not source generation: generated contracts set init-only properties through an object initializer,
/// which gives a missing member <c>default(T)</c> (a weight of 0) instead of the default its type declares.
/// </remarks>
internal static class StoredStateJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        IgnoreReadOnlyProperties = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The only types written to storage.</summary>
    public static readonly IReadOnlySet<Type> StoredTypes = new HashSet<Type> { typeof(RouteGrainState), typeof(ConfigGrainState) };

    static StoredStateJson() => Options.MakeReadOnly();
}
