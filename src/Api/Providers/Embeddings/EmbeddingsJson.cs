using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Embeddings;

/// <summary>Reading vectors out of a provider's answer; anything unexpected is a <see cref="FormatException"/> (a 502 for the client).</summary>
public static class EmbeddingsJson
{
    /// <summary>Parses <paramref name="body"/> and reads it with <paramref name="read"/>.</summary>
    public static EmbeddingsAnswer Read(ReadOnlySpan<byte> body, Func<JsonElement, EmbeddingsAnswer> read)
    {
        using var document = Json.TryParse(body) ?? throw new FormatException("the embeddings answer is not JSON");
        return read(document.RootElement);
    }

    /// <summary>A JSON array of numbers as a vector.</summary>
    public static float[] Vector(JsonElement values)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            throw new FormatException("the embeddings answer holds something other than a list of numbers where a vector belongs");
        var vector = new float[values.GetArrayLength()];
        var i = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number) throw new FormatException("the embeddings answer has a vector with a value that is not a number");
            vector[i++] = value.GetSingle();
        }
        return vector;
    }

    /// <summary>The vectors of a JSON array of vectors, exactly <paramref name="inputs"/> of them.</summary>
    public static float[][] Vectors(JsonElement list, int inputs, Func<JsonElement, JsonElement>? valuesOf = null)
    {
        if (list.ValueKind != JsonValueKind.Array) throw new FormatException("the embeddings answer has no list of vectors");
        var vectors = list.EnumerateArray().Select(item => Vector(valuesOf is null ? item : valuesOf(item))).ToArray();
        if (vectors.Length != inputs) throw new FormatException($"the embeddings answer has {vectors.Length} vectors for {inputs} inputs");
        return vectors;
    }

    /// <summary>Every slot filled, or the answer missed an input.</summary>
    public static float[][] Complete(float[]?[] vectors) =>
        vectors.All(v => v is not null) ? [.. vectors.Select(v => v!)] : throw new FormatException($"the embeddings answer has fewer than {vectors.Length} vectors");
}
