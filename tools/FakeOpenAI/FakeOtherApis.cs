using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI.Native;

namespace Actors.FakeOpenAI;

/// <summary>
/// OpenAI's APIs beside chat: <c>/v1/embeddings</c>, <c>/v1/completions</c> (legacy, streams too) and
/// <c>/v1/responses</c> (the Responses API, its event stream ending in <c>response.completed</c> with the usage).
/// Each checks its required field as OpenAI does and obeys the failure switches. Models are echoed, as for chat.
/// </summary>
public static class FakeOtherApis
{
    public const int EmbeddingDimensions = 8;

    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        app.MapPost("/v1/embeddings", context => HandleAsync(context, server, EmbeddingsAsync));
        app.MapPost("/v1/completions", context => HandleAsync(context, server, CompletionsAsync));
        app.MapPost("/v1/responses", context => HandleAsync(context, server, ResponsesAsync));
    }

    /// <summary>The failure switches, the JSON check, then <paramref name="answer"/>.</summary>
    public static async Task HandleAsync(HttpContext context, FakeOpenAIServer server, Func<HttpContext, FakeOpenAIServer, JsonObject, string, Task> answer)
    {
        var body = await server.AcceptAsync(context, status => new { error = new { message = $"fake upstream failure {status}", type = "server_error" } });
        if (body is null) return;
        if (FakeNativeApis.ParseObject(body) is not { } request)
        {
            await InvalidAsync(context, "the body is not a JSON object");
            return;
        }
        await answer(context, server, request, body);
    }

    public static async Task EmbeddingsAsync(HttpContext context, FakeOpenAIServer server, JsonObject request, string body)
    {
        var inputs = request["input"] switch
        {
            JsonArray array when array.Count > 0 => array.Count,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => 1,
            _ => 0,
        };
        if (inputs == 0)
        {
            await InvalidAsync(context, "'input' is required");
            return;
        }
        var data = new JsonArray();
        for (var i = 0; i < inputs; i++)
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = EmbeddingFor(Model(request), InputText(request, i), i) });
        var tokens = Math.Max(1, body.Length / 4);
        await FakeNativeApis.JsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = Model(request),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    /// <summary>An embeddings model whose name starts with this gets vectors that say which topics the text names.</summary>
    public const string KeywordModel = "keyword-embed";

    /// <summary>The topics <see cref="KeywordVector"/> recognises, one axis each; a text naming none lies on the last axis.</summary>
    public static readonly string[][] Topics = [["math", "integral", "equation", "algebra"], ["code", "python", "program", "compile"]];

    private static string InputText(JsonObject request, int index) =>
        request["input"] is JsonArray array ? array[index]?.ToString() ?? "" : request["input"]?.GetValue<string>() ?? "";

    /// <summary>
    /// The fake's vector for the <paramref name="index"/>th text: by topic for <see cref="KeywordModel"/> models, else
    /// <see cref="EmbeddingDimensions"/> values that differ per index. The native embeddings fakes answer the same.
    /// </summary>
    public static JsonArray EmbeddingFor(string model, string text, int index) =>
        model.Contains(KeywordModel, StringComparison.Ordinal) ? KeywordVector(text) : Vector(index);

    /// <summary>Deterministic: a text's vector counts its topic words, so texts on one topic point the same way.</summary>
    private static JsonArray KeywordVector(string text)
    {
        var lower = text.ToLowerInvariant();
        var axes = Topics.Select(words => (double)words.Count(lower.Contains)).ToList();
        axes.Add(axes.All(a => a == 0) ? 1 : 0.05);
        return new([.. axes.Select(a => (JsonNode)JsonValue.Create(a))]);
    }

    private static JsonArray Vector(int index) =>
        new([.. Enumerable.Range(0, EmbeddingDimensions).Select(d => (JsonNode)JsonValue.Create(Math.Round(0.125 * (d + 1) + index, 3)))]);

    public static async Task CompletionsAsync(HttpContext context, FakeOpenAIServer server, JsonObject request, string body)
    {
        if (request["prompt"] is null)
        {
            await InvalidAsync(context, "'prompt' is required");
            return;
        }
        var (model, text) = (Model(request), $"Fake answer from {Model(request)}.");
        var (prompt, completion) = (Math.Max(1, body.Length / 4), text.Split(' ').Length);
        JsonObject Completion(string piece, string? finish) => new()
        {
            ["id"] = "cmpl-fake", ["object"] = "text_completion", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["text"] = piece, ["index"] = 0, ["logprobs"] = null, ["finish_reason"] = finish }),
        };
        if (request["stream"]?.GetValueKind() != JsonValueKind.True)
        {
            var whole = Completion(text, "stop");
            whole["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
            await FakeNativeApis.JsonAsync(context, 200, whole);
            return;
        }
        var stream = new FakeStream(context, server.Behavior);
        await stream.StartAsync("text/event-stream");
        foreach (var word in text.Split(' ').Select((w, i) => i == 0 ? w : " " + w))
            await stream.SendAsync("data: " + Completion(word, null).ToJsonString() + "\n\n");
        var last = Completion("", "stop");
        if (request["stream_options"] is JsonObject options && options["include_usage"]?.GetValueKind() == JsonValueKind.True)
            last["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion };
        await stream.SendAsync("data: " + last.ToJsonString() + "\n\n");
        await stream.SendAsync("data: [DONE]\n\n");
    }

    public static async Task ResponsesAsync(HttpContext context, FakeOpenAIServer server, JsonObject request, string body)
    {
        if (request["input"] is null)
        {
            await InvalidAsync(context, "'input' is required");
            return;
        }
        var answer = new FakeResponse(Model(request), Math.Max(1, body.Length / 4));
        if (request["stream"]?.GetValueKind() == JsonValueKind.True) await answer.StreamAsync(new FakeStream(context, server.Behavior));
        else await FakeNativeApis.JsonAsync(context, 200, answer.Response(completed: true));
    }

    private static string Model(JsonObject request) => FakeNativeApis.String(request["model"]) ?? "unknown";

    private static Task InvalidAsync(HttpContext context, string message) =>
        FakeNativeApis.JsonAsync(context, 400, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = null, ["code"] = null },
        });
}
