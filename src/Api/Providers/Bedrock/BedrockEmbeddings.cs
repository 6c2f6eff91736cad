using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Bedrock;

/// <summary>
/// Bedrock's embeddings through InvokeModel (<c>POST /model/{id}/invoke</c>, SigV4-signed as for chat), whose body is
/// the model family's own. Amazon Titan (<c>amazon.titan-embed-*</c>): one text per call, <c>{"inputText",
/// "dimensions"?, "normalize"?}</c> → <c>{"embedding","inputTextTokenCount"}</c>. Cohere on Bedrock (<c>cohere.embed-*</c>):
/// <c>{"texts","input_type"}</c> → <c>{"embeddings":[[...]]}</c> (or <c>{"embeddings":{"float":[[...]]}}</c>), its
/// tokens counted in the <c>X-Amzn-Bedrock-Input-Token-Count</c> header.
/// </summary>
/// <param name="nativeRequest">The driver's headers and signature for a target.</param>
public sealed class BedrockEmbeddings(Func<ProviderTarget, ProviderRequest> nativeRequest) : IEmbeddingsTranslation
{
    public const string TokenCountHeader = "X-Amzn-Bedrock-Input-Token-Count";

    /// <summary>Titan embeds one text per call; Cohere takes up to 96.</summary>
    public int MaxInputs(ProviderTarget target) => IsCohere(target) ? 96 : 1;

    /// <summary>Cohere's models, also under a cross-region inference profile (<c>us.cohere.embed-v4:0</c>) or an ARN.</summary>
    public static bool IsCohere(ProviderTarget target) => target.ModelName.Contains("cohere.embed", StringComparison.Ordinal);

    public ProviderRequest WriteRequest(EmbeddingsRequest request, ProviderTarget target, IBufferWriter<byte> body)
    {
        using var w = Json.Writer(body);
        w.WriteStartObject();
        if (IsCohere(target)) WriteCohere(w, request, target);
        else WriteTitan(w, request, target);
        w.WriteBodyCredential(target);
        w.WriteEndObject();
        return nativeRequest(target) with { Headers = [new("Accept", "application/json")] };
    }

    private static void WriteTitan(Utf8JsonWriter w, EmbeddingsRequest request, ProviderTarget target)
    {
        w.WriteString("inputText", request.Inputs[0]);
        w.WriteIf("dimensions", request.Dimensions);
        // Kong's bedrock.embeddings_normalize; unset, Titan's own default applies.
        if (target.Option("bedrock.embeddings_normalize") is { } normalize && bool.TryParse(normalize, out var value)) w.WriteBoolean("normalize", value);
    }

    private static void WriteCohere(Utf8JsonWriter w, EmbeddingsRequest request, ProviderTarget target)
    {
        w.WriteStartArray("texts");
        foreach (var text in request.Inputs) w.WriteStringValue(text);
        w.WriteEndArray();
        w.WriteString("input_type", Cohere.CohereEmbeddings.InputType(target));
        w.WriteIf("output_dimension", request.Dimensions);
    }

    public EmbeddingsAnswer ReadAnswer(ReadOnlySpan<byte> body, HttpResponseHeaders? headers, ProviderTarget target, int inputs) =>
        EmbeddingsJson.Read(body, root =>
        {
            var counted = headers is not null && headers.TryGetValues(TokenCountHeader, out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
            if (root.TryGetProperty("embedding", out var titan))
                return inputs == 1
                    ? new EmbeddingsAnswer([EmbeddingsJson.Vector(titan)], Json.Long(root, "inputTextTokenCount") ?? counted ?? 0)
                    : throw new FormatException($"the embeddings answer has 1 vector for {inputs} inputs");
            var embeddings = Json.At(root, "embeddings");
            if (embeddings.ValueKind == JsonValueKind.Object) embeddings = Json.At(embeddings, "float");
            return new EmbeddingsAnswer(EmbeddingsJson.Vectors(embeddings, inputs), counted ?? 0);
        });
}
