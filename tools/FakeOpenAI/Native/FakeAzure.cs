using System.Text.Json.Nodes;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Azure OpenAI (<c>POST /openai/deployments/{deployment}/chat/completions?api-version=...</c>): an <c>api-key</c> (or
/// bearer token) and the <c>api-version</c> query are required; the answer is OpenAI's.
/// </summary>
public static class FakeAzure
{
    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        app.MapPost("/openai/deployments/{deployment}/chat/completions", context => HandleAsync(context, server, server.AnswerAsync));
        app.MapPost("/openai/deployments/{deployment}/embeddings", context => HandleAsync(context, server,
            (c, body) => FakeNativeApis.ParseObject(body) is { } request ? FakeOtherApis.EmbeddingsAsync(c, server, request, body) : server.AnswerAsync(c, body)));
    }

    private static async Task HandleAsync(HttpContext context, FakeOpenAIServer server, Func<HttpContext, string, Task> answer)
    {
        var body = await server.AcceptAsync(context, status => Error(status.ToString(), $"fake upstream failure {status}"));
        if (body is null) return;
        if (string.IsNullOrEmpty(context.Request.Headers["api-key"]) && string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            await FakeNativeApis.JsonAsync(context, 401, Error("401", "Access denied due to invalid subscription key or wrong API endpoint."));
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await FakeNativeApis.JsonAsync(context, 404, Error("404", "Resource not found"));
            return;
        }
        await answer(context, body);
    }

    private static JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
