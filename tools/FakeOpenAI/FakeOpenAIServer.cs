using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Actors.FakeOpenAI;

/// <summary>
/// A stand-in for OpenAI's chat completions API: canned answers that echo the requested model, SSE when
/// <c>stream: true</c>, and switches for status, delay and dropped connections. Used by tests, demo and benchmarks.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private long _counter;
    private bool _record;

    private FakeOpenAIServer(WebApplication app, FakeBehavior behavior)
    {
        App = app;
        Behavior = behavior;
    }

    public WebApplication App { get; }
    public FakeBehavior Behavior { get; }
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public int RequestCount => Requests.Count;

    /// <summary>Requests whose caller went away before the answer was sent.</summary>
    public int CancelledCount => _cancelled;
    private int _cancelled;
    public string BaseUrl => App.Urls.First();
    public string ChatUrl => BaseUrl + "/v1/chat/completions";

    /// <summary>Builds (does not start) a server; pass <c>--urls http://127.0.0.1:0</c> for a free port.</summary>
    public static FakeOpenAIServer Create(string[] args, bool record = true)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        var behavior = builder.Configuration.GetSection("Fake").Get<FakeBehavior>() ?? new FakeBehavior();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app, behavior) { _record = record };
        app.MapPost("/__control", async (HttpContext context) =>
        {
            var update = await JsonSerializer.DeserializeAsync<FakeBehavior>(context.Request.Body, JsonOptions);
            if (update is null) return Results.BadRequest();
            server.Apply(update);
            return Results.Json(server.Behavior, JsonOptions);
        });
        app.MapGet("/__requests", () => Results.Json(new { count = server.RequestCount }));
        Native.FakeNativeApis.Map(app, server);
        FakeOtherApis.Map(app, server);
        app.MapPost("/{**path}", context => server.HandleAsync(context));
        return server;
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Apply(FakeBehavior update)
    {
        Behavior.Status = update.Status;
        Behavior.DelayMs = update.DelayMs;
        Behavior.Drop = update.Drop;
        Behavior.StreamChunkDelayMs = update.StreamChunkDelayMs;
        Behavior.CutStream = update.CutStream;
        Behavior.ResponseBytes = update.ResponseBytes;
    }

    public Task StartAsync() => App.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await AcceptAsync(context, status => new { error = new { message = $"fake upstream failure {status}", type = "server_error" } });
        if (body is not null) await AnswerAsync(context, body);
    }

    /// <summary>
    /// Reads and records a request, then applies the failure switches (delay, drop, status), a failing status answered
    /// with <paramref name="errorBody"/> in the faked API's own error shape. Null: the failure was the answer.
    /// </summary>
    public async Task<string?> AcceptAsync(HttpContext context, Func<int, object> errorBody)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (_record)
        {
            Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
        }
        var behavior = Behavior;
        if (behavior.DelayMs > 0)
        {
            try
            {
                await Task.Delay(behavior.DelayMs, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                return null;
            }
        }
        if (behavior.Drop)
        {
            context.Abort();
            return null;
        }
        if (behavior.Status != 200)
        {
            context.Response.StatusCode = behavior.Status;
            await context.Response.WriteAsJsonAsync(errorBody(behavior.Status));
            return null;
        }
        return body;
    }

    /// <summary>An OpenAI chat completion (or its stream) for a request that passed the switches.</summary>
    public async Task AnswerAsync(HttpContext context, string body)
    {
        JsonObject? request;
        try { request = JsonNode.Parse(body) as JsonObject; }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException) { request = null; }
        if (request is null)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "the body is not a JSON object", type = "invalid_request_error" } });
            return;
        }
        var model = request["model"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : "unknown";
        if (Refusal(request, model) is { } refusal)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(refusal.ToJsonString(Native.FakeNativeApis.Relaxed));
            return;
        }
        var promptTokens = Math.Max(1, body.Length / 4);
        var id = $"chatcmpl-fake-{Interlocked.Increment(ref _counter)}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var content = $"Fake answer from {model}.";
        var completionTokens = content.Split(' ').Length;
        // As the other fakes: a tool call while tools are offered and no tool result came back yet.
        var messages = request["messages"] as JsonArray;
        var answeredTool = messages is { Count: > 0 } && Native.FakeNativeApis.String(messages[^1]?["role"]) == "tool";
        var tool = answeredTool ? null : Native.FakeNativeApis.String(request["tools"]?[0]?["function"]?["name"]);
        // Prompt caching is automatic at OpenAI: a prompt that says "[cached]" reports half its tokens read from the cache.
        var cachedTokens = body.Contains("[cached]", StringComparison.Ordinal) ? promptTokens / 2 : 0;
        if (tool is not null) (content, completionTokens) = ("", 5);

        if (Behavior.ResponseBytes > 0)
        {
            await HugeCompletion.WriteAsync(context.Response, model, Behavior.ResponseBytes);
            return;
        }

        if (request["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            var includeUsage = request["stream_options"] is JsonObject streamOptions && streamOptions["include_usage"]?.GetValueKind() == JsonValueKind.True;
            await StreamAsync(context, id, created, model, content, tool, includeUsage, promptTokens, completionTokens, cachedTokens);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = tool is null
                    ? new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null, ["annotations"] = new JsonArray() }
                    : new JsonObject
                    {
                        ["role"] = "assistant", ["content"] = null, ["refusal"] = null, ["annotations"] = new JsonArray(),
                        ["tool_calls"] = new JsonArray(new JsonObject
                        {
                            ["id"] = ToolCallId, ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = Native.FakeAnswer.ToolArguments },
                        }),
                    },
                ["logprobs"] = null,
                ["finish_reason"] = tool is null ? "stop" : "tool_calls",
            }),
            ["usage"] = Usage(promptTokens, completionTokens, cachedTokens),
            ["service_tier"] = "default",
            ["system_fingerprint"] = null,
        }.ToJsonString());
    }

    private async Task StreamAsync(HttpContext context, string id, long created, string model, string content, string? tool,
        bool includeUsage, int promptTokens, int completionTokens, int cachedTokens)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync();
        async Task Send(JsonObject chunk)
        {
            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await context.Response.Body.FlushAsync();
            if (Behavior.StreamChunkDelayMs > 0) await Task.Delay(Behavior.StreamChunkDelayMs);
        }
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };

        await Send(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        if (tool is not null)
        {
            // The call's name first, then its arguments in two fragments, as OpenAI streams them.
            await Send(Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["id"] = ToolCallId, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = "" },
                }),
            }, null));
            foreach (var piece in new[] { Native.FakeAnswer.ToolArguments[..5], Native.FakeAnswer.ToolArguments[5..] })
                await Send(Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }),
                }, null));
        }
        var words = tool is null ? content.Split(' ') : [];
        for (var i = 0; i < words.Length; i++)
        {
            if (Behavior.CutStream && i == words.Length / 2)
            {
                context.Abort();
                return;
            }
            await Send(Chunk(new JsonObject { ["content"] = (i == 0 ? "" : " ") + words[i] }, null));
        }
        await Send(Chunk(new JsonObject(), tool is null ? "stop" : "tool_calls"));
        if (includeUsage)
        {
            await Send(new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = model,
                ["choices"] = new JsonArray(), ["usage"] = Usage(promptTokens, completionTokens, cachedTokens),
            });
        }
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static JsonObject Usage(int prompt, int completion, int cached = 0) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached, ["audio_tokens"] = 0 },
    };

    /// <summary>The id of the fake's tool calls.</summary>
    public const string ToolCallId = "call_fake_1";

    /// <summary>
    /// What OpenAI's chat API itself refuses, in its words: <c>top_k</c> (no OpenAI field), <c>max_tokens</c> and any
    /// <c>temperature</c> or <c>top_p</c> but 1 for reasoning models (o1, o3, o4-mini, gpt-5...), and a tool message that
    /// answers no tool call of the assistant message before it.
    /// </summary>
    public static JsonObject? Refusal(JsonObject request, string model)
    {
        if (request.ContainsKey("top_k")) return Error("Unrecognized request argument supplied: top_k", null, null);
        if (IsReasoning(model))
        {
            if (request.ContainsKey("max_tokens"))
                return Error("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter");
            foreach (var name in new[] { "temperature", "top_p" })
                if (request[name] is JsonValue value && value.TryGetValue<double>(out var number) && number != 1)
                    return Error($"Unsupported value: '{name}' does not support {value.ToJsonString()} with this model. Only the default (1) value is supported.", name, "unsupported_value");
        }
        var calls = new HashSet<string>();
        var i = 0;
        foreach (var message in request["messages"] as JsonArray ?? [])
        {
            var role = Native.FakeNativeApis.String(message?["role"]);
            if (role == "tool" && !calls.Contains(Native.FakeNativeApis.String(message?["tool_call_id"]) ?? ""))
                return Error("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", $"messages.[{i}].role", null);
            if (role == "assistant") calls = [.. (message?["tool_calls"] as JsonArray ?? []).Select(c => Native.FakeNativeApis.String(c?["id"]) ?? "")];
            else if (role != "tool") calls.Clear();
            i++;
        }
        return null;
    }

    /// <summary>OpenAI's reasoning models, by name.</summary>
    public static bool IsReasoning(string model) =>
        (model.Length >= 2 && model[0] == 'o' && char.IsDigit(model[1])) || (model.StartsWith("gpt-5", StringComparison.Ordinal) && !model.StartsWith("gpt-5-chat", StringComparison.Ordinal));

    private static JsonObject Error(string message, string? param, string? code) => new()
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = param, ["code"] = code },
    };
}
