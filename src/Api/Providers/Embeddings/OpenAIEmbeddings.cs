using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Embeddings;

/// <summary>
/// OpenAI's embeddings shapes, the gateway's side of every translation: the client's request
/// (<c>{"model","input","dimensions"?,"encoding_format"?}</c>) read into an <see cref="EmbeddingsRequest"/>, and an
/// <see cref="EmbeddingsAnswer"/> written as <c>{"object":"list","data":[...],"model","usage"}</c>; the other way round
/// for calling an OpenAI-compatible embeddings endpoint.
/// </summary>
public static class OpenAIEmbeddings
{
    public const string Base64 = "base64";

    /// <summary>
    /// The texts of a checked embeddings request, the dimensions asked for (the client's, else the target's
    /// <c>embeddings_dimensions</c>), and whether the client wants vectors as base64.
    /// </summary>
    /// <exception cref="NotSupportedException">Token ids instead of text: native APIs take text only.</exception>
    public static (EmbeddingsRequest Request, bool Base64) ReadRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target)
    {
        var reader = new Utf8JsonReader(openAIRequest);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var input = Json.At(root, "input");
        IReadOnlyList<string> texts = input.ValueKind == JsonValueKind.String
            ? [input.GetString()!]
            : [.. Json.Array(input).Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw TokenIds(target))];
        if (texts.Count == 0) throw new NotSupportedException("'input' must hold text");
        var dimensions = Json.Long(root, "dimensions") is { } asked and > 0 and <= int.MaxValue ? (int)asked : ConfiguredDimensions(target);
        return (new EmbeddingsRequest(texts, dimensions), Json.String(root, "encoding_format") == Base64);
    }

    private static NotSupportedException TokenIds(ProviderTarget target) =>
        new($"provider '{target.Provider}' embeds text only: send 'input' as a string or an array of strings, not token ids");

    /// <summary>Kong's <c>model.options.embeddings_dimensions</c>.</summary>
    public static int? ConfiguredDimensions(ProviderTarget target) =>
        int.TryParse(target.Option("embeddings_dimensions"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : null;

    /// <summary>OpenAI's answer for <paramref name="answer"/>; vectors as numbers, or as base64 of little-endian float32 as OpenAI sends them.</summary>
    public static byte[] WriteAnswer(EmbeddingsAnswer answer, string model, bool base64) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        for (var i = 0; i < answer.Vectors.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("object", "embedding");
            w.WriteNumber("index", i);
            if (base64) w.WriteBase64String("embedding", MemoryMarshal.AsBytes(answer.Vectors[i].AsSpan()));
            else
            {
                w.WriteStartArray("embedding");
                foreach (var value in answer.Vectors[i]) w.WriteNumberValue(value);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("model", model);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", answer.PromptTokens);
        w.WriteNumber("total_tokens", answer.PromptTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The request for an OpenAI-compatible embeddings endpoint (<c>semantic</c>'s <c>config.embeddings</c>).</summary>
    public static void WriteRequest(EmbeddingsRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("input");
        foreach (var text in request.Inputs) w.WriteStringValue(text);
        w.WriteEndArray();
        w.WriteIf("dimensions", request.Dimensions);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    /// <summary>OpenAI's <c>data[i].embedding</c>, placed by <c>index</c>, and <c>usage.prompt_tokens</c>.</summary>
    public static EmbeddingsAnswer ReadAnswer(ReadOnlySpan<byte> body, int inputs) => EmbeddingsJson.Read(body, root =>
    {
        var data = Json.At(root, "data");
        if (data.ValueKind != JsonValueKind.Array) throw new FormatException("the embeddings answer has no data list");
        var vectors = new float[inputs][];
        var position = 0;
        foreach (var item in data.EnumerateArray())
        {
            var index = Json.Long(item, "index") is { } i ? (int)Math.Clamp(i, -1, int.MaxValue) : position;
            position++;
            if (index < 0 || index >= inputs) throw new FormatException("the embeddings answer has a vector for no input");
            vectors[index] = EmbeddingsJson.Vector(Json.At(item, "embedding"));
        }
        return new EmbeddingsAnswer(EmbeddingsJson.Complete(vectors), Json.Long(Json.At(root, "usage"), "prompt_tokens") ?? 0);
    });
}
