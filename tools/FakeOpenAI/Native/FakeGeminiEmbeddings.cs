using System.Text.Json.Nodes;
using static Actors.FakeOpenAI.Native.FakeNativeApis;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Gemini's embeddings: <c>models/{model}:batchEmbedContents</c> on the Gemini API (each request names the URL's model
/// as <c>models/{model}</c> and holds <c>content.parts[].text</c>; unknown fields refused; answers
/// <c>embeddings[].values</c>, no token count) and Vertex's <c>:predict</c> (<c>instances[].content</c>, answers
/// <c>predictions[].embeddings</c> with <c>statistics.token_count</c>). <c>outputDimensionality</c> cuts the vectors.
/// </summary>
public static class FakeGeminiEmbeddings
{
    private static readonly HashSet<string> RequestFields = ["model", "content", "taskType", "title", "outputDimensionality"];

    public static bool Handles(string method) => method is "batchEmbedContents" or "predict";

    /// <summary>Answers a request whose key the caller has checked.</summary>
    public static Task AnswerAsync(HttpContext context, string model, string method, string body)
    {
        var request = ParseObject(body);
        if (request is null) return InvalidAsync(context, "Invalid JSON payload received.");
        return method == "predict" ? PredictAsync(context, model, request) : BatchAsync(context, model, request);
    }

    private static Task BatchAsync(HttpContext context, string model, JsonObject request)
    {
        if (request.Select(p => p.Key).FirstOrDefault(k => k != "requests") is { } unknown)
            return InvalidAsync(context, $"Invalid JSON payload received. Unknown name \"{unknown}\": Cannot find field.");
        if (request["requests"] is not JsonArray { Count: > 0 } requests) return InvalidAsync(context, "* BatchEmbedContentsRequest.requests: requests is not specified");
        var embeddings = new JsonArray();
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i] is not JsonObject item || item.Select(p => p.Key).FirstOrDefault(k => !RequestFields.Contains(k)) is { } field)
                return InvalidAsync(context, $"Invalid JSON payload received. Unknown name at 'requests[{i}]'.");
            if (String(item["model"]) != "models/" + model)
                return InvalidAsync(context, $"* BatchEmbedContentsRequest.requests[{i}].model: the model must be models/{model}");
            if (String(item["content"]?["parts"]?[0]?["text"]) is not { } text) return InvalidAsync(context, $"* requests[{i}].content: content is not specified");
            embeddings.Add(new JsonObject { ["values"] = Cut(FakeOtherApis.EmbeddingFor(model, text, i), item["outputDimensionality"]) });
        }
        return JsonAsync(context, 200, new JsonObject { ["embeddings"] = embeddings });
    }

    private static Task PredictAsync(HttpContext context, string model, JsonObject request)
    {
        if (request["instances"] is not JsonArray { Count: > 0 } instances) return InvalidAsync(context, "instances must not be empty");
        var predictions = new JsonArray();
        for (var i = 0; i < instances.Count; i++)
        {
            if (String(instances[i]?["content"]) is not { } text) return InvalidAsync(context, $"instances[{i}].content is required");
            predictions.Add(new JsonObject
            {
                ["embeddings"] = new JsonObject
                {
                    ["values"] = Cut(FakeOtherApis.EmbeddingFor(model, text, i), request["parameters"]?["outputDimensionality"]),
                    ["statistics"] = new JsonObject { ["token_count"] = Math.Max(1, text.Length / 4), ["truncated"] = false },
                },
            });
        }
        return JsonAsync(context, 200, new JsonObject { ["predictions"] = predictions, ["metadata"] = new JsonObject { ["billableCharacterCount"] = 1 } });
    }

    /// <summary>The first <paramref name="dimensions"/> values, as a model with a shorter output gives them.</summary>
    private static JsonArray Cut(JsonArray vector, JsonNode? dimensions) =>
        dimensions is JsonValue value && value.TryGetValue<int>(out var n) && n < vector.Count ? new([.. vector.Take(n).Select(v => v!.DeepClone())]) : vector;

    private static Task InvalidAsync(HttpContext context, string message) => JsonAsync(context, 400, FakeGemini.Error(400, "INVALID_ARGUMENT", message));
}
