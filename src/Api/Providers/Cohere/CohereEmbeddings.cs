using System.Buffers;
using System.Net.Http.Headers;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Cohere;

/// <summary>
/// Cohere's v2 embed API (<c>POST /v2/embed</c>, Kong's documented endpoint): <c>{"model","texts","input_type",
/// "embedding_types":["float"],"output_dimension"?}</c> → <c>embeddings.float[][]</c>, tokens in
/// <c>meta.billed_units.input_tokens</c>. <c>input_type</c> is Kong's <c>cohere.embedding_input_type</c> (default
/// <c>classification</c>, as Kong's schema has it).
/// </summary>
public sealed class CohereEmbeddings : IEmbeddingsTranslation
{
    public const string DefaultInputType = "classification";

    /// <summary>Cohere embeds at most 96 texts per call.</summary>
    public int MaxInputs(ProviderTarget target) => 96;

    public static string InputType(ProviderTarget target) => target.Option("cohere.embedding_input_type") ?? DefaultInputType;

    public ProviderRequest WriteRequest(EmbeddingsRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("texts");
        foreach (var text in request.Inputs) w.WriteStringValue(text);
        w.WriteEndArray();
        w.WriteString("input_type", InputType(target));
        w.WriteStrings("embedding_types", ["float"]);
        w.WriteIf("output_dimension", request.Dimensions);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
        return new ProviderRequest();
    }

    public EmbeddingsAnswer ReadAnswer(ReadOnlySpan<byte> body, HttpResponseHeaders? headers, ProviderTarget target, int inputs) =>
        EmbeddingsJson.Read(body, root => new EmbeddingsAnswer(
            EmbeddingsJson.Vectors(Json.At(root, "embeddings", "float"), inputs),
            Json.Long(Json.At(root, "meta", "billed_units"), "input_tokens") ?? Json.Long(Json.At(root, "meta", "tokens"), "input_tokens") ?? 0));
}
