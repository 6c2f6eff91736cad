using System.Globalization;
using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Bedrock's InvokeModel (<c>POST /model/{id}/invoke</c>, SigV4 required) for embeddings models, each family with its
/// own body as the real models have them: Amazon Titan (<c>{"inputText","dimensions"?,"normalize"?}</c> →
/// <c>{"embedding","inputTextTokenCount"}</c>) and Cohere (<c>{"texts","input_type"}</c> → <c>{"embeddings":[[...]]}</c>).
/// Unknown fields are a <c>ValidationException</c>; the input tokens are also in <c>X-Amzn-Bedrock-Input-Token-Count</c>.
/// </summary>
public static class FakeBedrockEmbeddings
{
    private static readonly HashSet<string> TitanFields = ["inputText", "dimensions", "normalize", "embeddingTypes"];
    private static readonly HashSet<string> CohereFields = ["texts", "images", "input_type", "truncate", "embedding_types", "output_dimension"];
    private static readonly HashSet<string> CohereInputTypes = ["search_document", "search_query", "classification", "clustering"];

    public static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        var body = await server.AcceptAsync(context, status => new JsonObject { ["message"] = $"fake upstream failure {status}" });
        if (body is null || await FakeBedrock.RefusedUnsignedAsync(context, body)) return;
        var model = Uri.UnescapeDataString(context.Request.RouteValues["modelId"]!.ToString()!);
        var request = ParseObject(body);
        var cohere = model.Contains("cohere.", StringComparison.Ordinal);
        if ((request is null ? "Malformed input request" : cohere ? CheckCohere(request) : CheckTitan(request)) is { } problem)
        {
            context.Response.Headers["x-amzn-ErrorType"] = "ValidationException";
            await JsonAsync(context, 400, new JsonObject { ["message"] = problem });
            return;
        }
        var texts = cohere ? request!["texts"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray() : [request!["inputText"]!.GetValue<string>()];
        var tokens = texts.Sum(t => Math.Max(1, t.Length / 4));
        context.Response.Headers["X-Amzn-Bedrock-Input-Token-Count"] = tokens.ToString(CultureInfo.InvariantCulture);
        var vectors = texts.Select((t, i) => (JsonNode)FakeOtherApis.EmbeddingFor(model, t, i)).ToArray();
        await JsonAsync(context, 200, cohere
            ? new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["embeddings"] = new JsonArray(vectors), ["response_type"] = "embeddings_floats", ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]) }
            : new JsonObject { ["embedding"] = vectors[0], ["inputTextTokenCount"] = tokens });
    }

    private static string? CheckTitan(JsonObject request) =>
        request.Select(p => p.Key).FirstOrDefault(k => !TitanFields.Contains(k)) is { } unknown ? $"Malformed input request: extraneous key [{unknown}] is not permitted"
        : String(request["inputText"]) is not { Length: > 0 } ? "Malformed input request: required key [inputText] not found"
        : null;

    private static string? CheckCohere(JsonObject request) =>
        request.Select(p => p.Key).FirstOrDefault(k => !CohereFields.Contains(k)) is { } unknown ? $"Malformed input request: extraneous key [{unknown}] is not permitted"
        : request["texts"] is not JsonArray { Count: > 0 } texts || texts.Any(t => String(t) is null) ? "Malformed input request: #/texts: expected a list of strings"
        : !CohereInputTypes.Contains(String(request["input_type"]) ?? "") ? "Malformed input request: #/input_type: invalid or missing input_type"
        : null;
}
