using System.Buffers;
using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>
/// Writes OpenAI <c>chat.completion.chunk</c> server-sent events for one streamed answer: the assistant role before the
/// first delta, text and tool-call deltas, one finish reason, then the usage chunk (when the client asked) and
/// <c>data: [DONE]</c>. Stream translators call it from what their provider sent. Every chunk's <c>created</c> is the
/// time the writer was made, on <paramref name="time"/> (the system clock unless given).
/// </summary>
public sealed class ChunkWriter(string model, bool includeUsage, TimeProvider? time = null)
{
    private readonly long _created = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
    private bool _started, _finished, _completed;

    public string Id { get; set; } = ChatCompletion.NewId();
    public string Model { get; set; } = model;
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    /// <summary>Prompt tokens read from the provider's cache, reported in the usage chunk when any.</summary>
    public long CachedTokens { get; set; }
    /// <summary>Of <see cref="CompletionTokens"/>, those spent thinking; null when unknown.</summary>
    public long? ReasoningTokens { get; set; }
    public bool Finished => _finished;

    /// <summary>A reasoning delta (<c>reasoning_content</c>, as DeepSeek and LiteLLM stream it).</summary>
    public void Reasoning(IBufferWriter<byte> output, string text)
    {
        if (text.Length == 0 || _finished) return;
        Chunk(output, w => w.WriteString("reasoning_content", text), null);
    }

    /// <summary>One whole reasoning block (<c>thinking_blocks</c>, signature included) for the client to send back next turn.</summary>
    public void ThinkingBlock(IBufferWriter<byte> output, Action<Utf8JsonWriter> block)
    {
        if (_finished) return;
        Chunk(output, w =>
        {
            w.WriteStartArray("thinking_blocks");
            w.WriteStartObject();
            block(w);
            w.WriteEndObject();
            w.WriteEndArray();
        }, null);
    }

    public void Text(IBufferWriter<byte> output, string text)
    {
        if (text.Length == 0 || _finished) return;
        Chunk(output, w => w.WriteString("content", text), null);
    }

    /// <param name="extraContent">The call's <c>extra_content</c> (<see cref="ToolCall.ExtraContent"/>), null for none.</param>
    public void ToolCallStart(IBufferWriter<byte> output, int index, string id, string name, string arguments = "", string? extraContent = null) =>
        Chunk(output, w =>
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteString("id", id);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", name);
            w.WriteString("arguments", arguments);
            w.WriteEndObject();
            ChatCompletion.WriteExtraContent(w, extraContent);
            w.WriteEndObject();
            w.WriteEndArray();
        }, null);

    public void ToolCallArguments(IBufferWriter<byte> output, int index, string fragment)
    {
        if (fragment.Length == 0) return;
        Chunk(output, w =>
        {
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteNumber("index", index);
            w.WriteStartObject("function");
            w.WriteString("arguments", fragment);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }, null);
    }

    /// <summary>The one chunk carrying <c>finish_reason</c> (an OpenAI value); later calls are ignored.</summary>
    public void Finish(IBufferWriter<byte> output, string reason)
    {
        if (_finished) return;
        Chunk(output, _ => { }, reason);
        _finished = true;
    }

    /// <summary>A provider error in mid-stream, as OpenAI sends one: an <c>error</c> event; the stream then ends.</summary>
    public void Error(IBufferWriter<byte> output, string message, string type)
    {
        if (_completed) return;
        Event(output, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        _finished = true;
    }

    /// <summary>Closes the stream: a finish reason if none came, the usage chunk when asked, <c>[DONE]</c>. Once.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_completed) return;
        if (!_finished) Finish(output, FinishReasons.Stop);
        if (includeUsage)
        {
            Event(output, w =>
            {
                WriteHead(w);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                ChatCompletion.WriteUsage(w, PromptTokens, CompletionTokens, CachedTokens, ReasoningTokens);
                w.WriteEndObject();
            });
        }
        output.Write("data: [DONE]\n\n"u8);
        _completed = true;
    }

    private void Chunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        var first = !_started;
        _started = true;
        Event(output, w =>
        {
            WriteHead(w);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (first) w.WriteString("role", "assistant");
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finishReason is null) w.WriteNull("finish_reason");
            else w.WriteString("finish_reason", finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private void WriteHead(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", Id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", _created);
        w.WriteString("model", Model);
    }

    private static void Event(IBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        output.Write("data: "u8);
        using (var writer = Json.Writer(output)) write(writer);
        output.Write("\n\n"u8);
    }
}
