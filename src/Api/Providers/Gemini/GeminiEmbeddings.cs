using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// Gemini's embeddings, where Kong's docs send them: on the Gemini API <c>models/{model}:batchEmbedContents</c>
/// (<c>requests[]</c> of <c>model</c> + <c>content.parts[].text</c>, <c>outputDimensionality</c> → <c>embeddings[].values</c>);
/// on Vertex AI (the target's <c>gemini.*</c> options name a project and location, as for chat) the publisher model's
/// <c>:predict</c> (<c>instances[].content</c>, <c>parameters.outputDimensionality</c> → <c>predictions[].embeddings.values</c>).
/// </summary>
public sealed class GeminiEmbeddings : IEmbeddingsTranslation
{
    public const string BatchEmbed = ":batchEmbedContents", Predict = ":predict";

    /// <summary>The Gemini API takes at most 100 requests per batch; Vertex's text models 250 instances.</summary>
    public int MaxInputs(ProviderTarget target) => GeminiDriver.IsVertex(target) ? 250 : 100;

    public ProviderRequest WriteRequest(EmbeddingsRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        if (GeminiDriver.IsVertex(target)) WriteInstances(w, request);
        else WriteRequests(w, request, target);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
        return new ProviderRequest();
    }

    private static void WriteRequests(Utf8JsonWriter w, EmbeddingsRequest request, ProviderTarget target)
    {
        // Each request names its model as a resource, which must be the one in the URL.
        var model = target.ModelName.StartsWith("models/", StringComparison.Ordinal) ? target.ModelName : "models/" + target.ModelName;
        w.WriteStartArray("requests");
        foreach (var text in request.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartObject("content");
            w.WriteStartArray("parts");
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteIf("outputDimensionality", request.Dimensions);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteInstances(Utf8JsonWriter w, EmbeddingsRequest request)
    {
        w.WriteStartArray("instances");
        foreach (var text in request.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("content", text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (request.Dimensions is not { } dimensions) return;
        w.WriteStartObject("parameters");
        w.WriteNumber("outputDimensionality", dimensions);
        w.WriteEndObject();
    }

    /// <remarks>
    /// The Gemini API reports tokens only in a <c>usageMetadata</c> some versions add; Vertex counts them per instance
    /// (<c>embeddings.statistics.token_count</c>).
    /// </remarks>
    public EmbeddingsAnswer ReadAnswer(ReadOnlySpan<byte> body, HttpResponseHeaders? headers, ProviderTarget target, int inputs) =>
        EmbeddingsJson.Read(body, root =>
        {
            if (root.TryGetProperty("predictions", out var predictions))
            {
                var vectors = EmbeddingsJson.Vectors(predictions, inputs, p => Json.At(p, "embeddings", "values"));
                var tokens = Json.Array(predictions).Sum(p => Json.Long(Json.At(p, "embeddings", "statistics"), "token_count") ?? 0);
                return new EmbeddingsAnswer(vectors, tokens);
            }
            return new EmbeddingsAnswer(EmbeddingsJson.Vectors(Json.At(root, "embeddings"), inputs, e => Json.At(e, "values")),
                Json.Long(Json.At(root, "usageMetadata"), "promptTokenCount") ?? 0);
        });
}
