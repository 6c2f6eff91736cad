using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Actors.Grains.Storage;

/// <summary>
/// Grain storage serializer over <see cref="StoredStateJson"/>. A stored value that cannot be read (corrupt, or written
/// by a build that stored CLR type names) comes back as null instead of failing the activation: the grain logs it and
/// starts again from the cluster's config, so one bad record never takes a route down.
/// </summary>
public sealed class JsonGrainStateSerializer(ILogger<JsonGrainStateSerializer> logger) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input!, Contract<T>()));

    public T Deserialize<T>(BinaryData input)
    {
        try
        {
            return JsonSerializer.Deserialize(input.ToMemory().Span, Contract<T>())!;
        }
        catch (JsonException ex)
        {
            logger.LogError("Stored {Type} is unreadable and is ignored ({Error})", typeof(T).Name, ex.Message);
            return default!;
        }
    }

    private static JsonTypeInfo<T> Contract<T>() =>
        StoredStateJson.StoredTypes.Contains(typeof(T))
            ? (JsonTypeInfo<T>)StoredStateJson.Options.GetTypeInfo(typeof(T))
            : throw new NotSupportedException($"{typeof(T).Name} is not one of the stored types in {nameof(StoredStateJson)}");
}
