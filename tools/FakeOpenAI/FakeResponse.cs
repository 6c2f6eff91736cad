using System.Text.Json.Nodes;
using Actors.FakeOpenAI.Native;

namespace Actors.FakeOpenAI;

/// <summary>One answer of the fake Responses API: the <c>response</c> object, and its event stream as OpenAI sends it.</summary>
public sealed class FakeResponse(string model, int inputTokens)
{
    private static long _counter;
    private readonly string _id = $"resp_fake_{Interlocked.Increment(ref _counter)}";
    private readonly string _messageId = $"msg_fake_{_counter}";
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public string Text => $"Fake answer from {model}.";
    public int OutputTokens => Text.Split(' ').Length;

    public JsonObject Response(bool completed) => new()
    {
        ["id"] = _id, ["object"] = "response", ["created_at"] = _created, ["status"] = completed ? "completed" : "in_progress",
        ["error"] = null, ["incomplete_details"] = null, ["instructions"] = null, ["max_output_tokens"] = null, ["model"] = model,
        ["output"] = completed ? new JsonArray(Message(completed: true)) : new JsonArray(),
        ["parallel_tool_calls"] = true, ["previous_response_id"] = null, ["store"] = true, ["temperature"] = 1.0,
        ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } }, ["tool_choice"] = "auto", ["tools"] = new JsonArray(),
        ["top_p"] = 1.0, ["truncation"] = "disabled", ["metadata"] = new JsonObject(),
        ["usage"] = completed ? Usage() : null,
    };

    private JsonObject Usage() => new()
    {
        ["input_tokens"] = inputTokens, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = OutputTokens, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = inputTokens + OutputTokens,
    };

    private JsonObject Message(bool completed) => new()
    {
        ["type"] = "message", ["id"] = _messageId, ["status"] = completed ? "completed" : "in_progress", ["role"] = "assistant",
        ["content"] = completed ? new JsonArray(Part(Text)) : new JsonArray(),
    };

    private static JsonObject Part(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    /// <summary>created, in_progress, the message and its text deltas, then <c>response.completed</c> with the usage.</summary>
    public async Task StreamAsync(FakeStream stream)
    {
        await stream.StartAsync("text/event-stream");
        var sequence = 0;
        Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            return stream.SendAsync($"event: {type}\ndata: {data.ToJsonString(FakeNativeApis.Relaxed)}\n\n");
        }
        JsonObject InText(JsonObject data)
        {
            (data["item_id"], data["output_index"], data["content_index"]) = (_messageId, 0, 0);
            return data;
        }
        await Send("response.created", new JsonObject { ["response"] = Response(completed: false) });
        await Send("response.in_progress", new JsonObject { ["response"] = Response(completed: false) });
        await Send("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Message(completed: false) });
        await Send("response.content_part.added", InText(new JsonObject { ["part"] = Part("") }));
        var words = Text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray();
        for (var i = 0; i < words.Length; i++)
        {
            if (stream.CutAt(i, words.Length)) return;
            await Send("response.output_text.delta", InText(new JsonObject { ["delta"] = words[i] }));
        }
        await Send("response.output_text.done", InText(new JsonObject { ["text"] = Text }));
        await Send("response.content_part.done", InText(new JsonObject { ["part"] = Part(Text) }));
        await Send("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = Message(completed: true) });
        await Send("response.completed", new JsonObject { ["response"] = Response(completed: true) });
    }
}
