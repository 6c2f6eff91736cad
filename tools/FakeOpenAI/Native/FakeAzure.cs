using System.Text.Json.Nodes;

namespace Actors.FakeOpenAI.Native;

/// <summary>
/// Azure OpenAI (<c>POST /openai/deployments/{deployment}/chat/completions?api-version=...</c>): an <c>api-key</c> (or
/// bearer token) and the <c>api-version</c> query are required; a chat request may carry only the fields its
/// api-version has (<see cref="ChatFields"/>), else 400 "Unrecognized request argument supplied: ..." as Azure says it;
/// the answer is OpenAI's (reasoning models as strict as OpenAI's).
/// </summary>
public static class FakeAzure
{
    public static void Map(WebApplication app, FakeOpenAIServer server)
    {
        app.MapPost("/openai/deployments/{deployment}/chat/completions", context => HandleAsync(context, server, (c, body) =>
            FakeNativeApis.ParseObject(body) is { } request && Unrecognized(request, c.Request.Query["api-version"].ToString()) is { } field
                ? FakeNativeApis.JsonAsync(c, 400, new JsonObject
                {
                    ["error"] = new JsonObject
                    {
                        ["code"] = null, ["message"] = $"Unrecognized request argument supplied: {field}", ["param"] = null, ["type"] = "invalid_request_error",
                    },
                })
                : server.AnswerAsync(c, body)));
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

    /// <summary>
    /// The chat request fields of each api-version, from Azure's inference specs (azure-rest-api-specs,
    /// specification/cognitiveservices/data-plane/AzureOpenAI/inference): 2023-05-15 has the sampling basics only;
    /// functions came with 2023-07-01-preview; tools, tool_choice, response_format, seed and logprobs with
    /// 2023-12-01-preview (GA 2024-02-01); stream_options and parallel_tool_calls with 2024-09-01-preview (GA 2024-10-21);
    /// max_completion_tokens, reasoning_effort and the rest of OpenAI's newer fields with 2024-12-01-preview.
    /// </summary>
    public static readonly (string Since, string[] Fields)[] ChatFields =
    [
        ("2023-05-15", ["model", "messages", "temperature", "top_p", "n", "stream", "stop", "max_tokens", "presence_penalty", "frequency_penalty", "logit_bias", "user"]),
        ("2023-07-01", ["functions", "function_call"]),
        ("2023-12-01", ["tools", "tool_choice", "response_format", "seed", "logprobs", "top_logprobs", "data_sources", "enhancements"]),
        ("2024-09-01", ["stream_options", "parallel_tool_calls"]),
        ("2024-12-01", ["max_completion_tokens", "reasoning_effort", "store", "metadata", "modalities", "audio", "prediction"]),
    ];

    /// <summary>The first field of <paramref name="request"/> that <paramref name="apiVersion"/> does not have; null when none.</summary>
    public static string? Unrecognized(JsonObject request, string apiVersion)
    {
        // Versions that are not dates (the v1 API's "preview", "latest") are the newest, and so are 2025's.
        if (apiVersion.Length < 10 || !DateOnly.TryParseExact(apiVersion[..10], "yyyy-MM-dd", out var version) || version.Year >= 2025) return null;
        var known = ChatFields.Where(f => DateOnly.ParseExact(f.Since, "yyyy-MM-dd") <= version).SelectMany(f => f.Fields).ToHashSet();
        return request.Select(p => p.Key).FirstOrDefault(name => !known.Contains(name));
    }

    private static JsonObject Error(string code, string message) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
