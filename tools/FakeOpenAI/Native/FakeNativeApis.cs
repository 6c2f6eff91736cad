using System.Text.Json;
using System.Text.Json.Nodes;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Fakes of the providers' native chat APIs, beside the OpenAI one: each checks requests as the real API does, answers
/// in its own shapes (streams included), and obeys the same failure switches (<see cref="FakeBehavior"/>).
/// </summary>
public static class FakeNativeApis
{
    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        FakeAnthropic.Map(app, server);
        FakeAzure.Map(app, server);
        FakeGemini.Map(app, server);
        FakeBedrock.Map(app, server);
        FakeSts.Map(app, server);
        FakeOllama.Map(app, server);
        FakeCohere.Map(app, server);
        FakeCohereEmbeddings.Map(app, server);
    }

    /// <summary>Messages keep their quotes and backticks readable, as the real APIs send them.</summary>
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body as a JSON object, or null.</summary>
    public static JsonObject? ParseObject(string body)
    {
        try { return JsonNode.Parse(body) as JsonObject; }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException) { return null; }
    }

    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(Relaxed));
    }
}

/// <summary>What the fake says: a tool call when the client offers tools and no tool result came back yet, else text.</summary>
public sealed record FakeAnswer(string Model, string Text, string? ToolName, int PromptTokens, int CompletionTokens)
{
    public const string ToolArguments = """{"query":"fake"}""";

    public string[] Words => Text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray();

    public static FakeAnswer For(string model, string body, string? offeredTool, bool answeredTool)
    {
        var text = $"Fake answer from {model}.";
        var tool = answeredTool ? null : offeredTool;
        return new FakeAnswer(model, tool is null ? text : "", tool, Math.Max(1, body.Length / 4), tool is null ? text.Split(' ').Length : 5);
    }
}

/// <summary>Writes a streamed answer piece by piece, honouring the chunk delay and the cut-stream switch.</summary>
public sealed class FakeStream(HttpContext context, FakeBehavior behavior)
{
    public async Task StartAsync(string contentType)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync();
    }

    public Task SendAsync(string text) => SendAsync(System.Text.Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await context.Response.Body.WriteAsync(bytes);
        await context.Response.Body.FlushAsync();
        if (behavior.StreamChunkDelayMs > 0) await Task.Delay(behavior.StreamChunkDelayMs);
    }

    /// <summary>With the cut switch on, drops the connection half-way through the words; true when it did.</summary>
    public bool CutAt(int index, int count)
    {
        if (!behavior.CutStream || index != count / 2) return false;
        context.Abort();
        return true;
    }
}
