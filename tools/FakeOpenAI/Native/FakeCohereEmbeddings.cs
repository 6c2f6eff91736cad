using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Cohere's v2 embed (<c>POST /v2/embed</c>): a bearer key, <c>model</c>, <c>texts</c>, a valid <c>input_type</c> and
/// <c>embedding_types</c> are required, unknown fields refused; answers <c>embeddings.float[][]</c> with the billed
/// input tokens in <c>meta.billed_units</c>.
/// </summary>
public static class FakeCohereEmbeddings
{
    private static readonly HashSet<string> Fields = ["model", "texts", "images", "inputs", "input_type", "embedding_types", "truncate", "output_dimension", "max_tokens"];
    private static readonly HashSet<string> InputTypes = ["search_document", "search_query", "classification", "clustering", "image"];

    public static void Map(WebApplication app, FakeOpenAIServer server) => app.MapPost("/v2/embed", context => HandleAsync(context, server));

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server)
    {
        if (await FakeCohere.ReadAsync(context, server, Check) is not (var request, _)) return;
        var model = String(request["model"])!;
        var texts = request["texts"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        await JsonAsync(context, 200, new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["embeddings"] = new JsonObject { ["float"] = new JsonArray([.. texts.Select((t, i) => (JsonNode)FakeOtherApis.EmbeddingFor(model, t, i))]) },
            ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]),
            ["meta"] = new JsonObject { ["billed_units"] = new JsonObject { ["input_tokens"] = texts.Sum(t => Math.Max(1, t.Length / 4)) } },
            ["response_type"] = "embeddings_by_type",
        });
    }

    private static string? Check(JsonObject request) =>
        request.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unknown ? $"invalid request: unknown field '{unknown}'"
        : String(request["model"]) is null ? "invalid request: model must be specified"
        : request["texts"] is not JsonArray { Count: > 0 } texts || texts.Any(t => String(t) is null) ? "invalid request: texts must be a list of strings"
        : !InputTypes.Contains(String(request["input_type"]) ?? "") ? "invalid request: valid input_type must be provided with the provided model"
        : request["embedding_types"] is not JsonArray { Count: > 0 } ? "invalid request: embedding_types must be specified"
        : null;
}
