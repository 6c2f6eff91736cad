using System.Text.Json;
using System.Text.Json.Serialization;
using Actors.Grains.Configuration;
using Actors.Grains.Routes;

namespace Actors.Grains.Storage;

/// <summary>
/// The explicit JSON contract of everything this gateway stores: plain JSON with snake_case names, no CLR type
/// names, nothing compiler-generated. Unknown members are skipped and missing ones take their defaults, so the next
/// version reads what this one wrote and the other way round.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RouteGrainState))]
[JsonSerializable(typeof(ConfigGrainState))]
internal sealed partial class StoredStateJson : JsonSerializerContext;
