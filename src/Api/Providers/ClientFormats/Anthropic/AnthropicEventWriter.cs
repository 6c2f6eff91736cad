using System.Buffers;
using System.Text.Json;
using Actors.Api.Errors;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>
/// OpenAI <c>chat.completion.chunk</c> events → Anthropic's stream: <c>message_start</c> at the first chunk, a text
/// <c>content_block</c> for content deltas, a <c>tool_use</c> block per tool call with <c>input_json_delta</c>s,
/// then <c>message_delta</c> (stop reason, usage) and <c>message_stop</c> once the provider's stream ended. An error
/// event becomes Anthropic's <c>error</c> event. Prompt tokens arrive only with OpenAI's last chunk, so
/// <c>message_start</c> counts 0 and <c>message_delta</c> carries both counts. A provider that sends no usage chunk
/// (Azure before api-version 2024-09-01 takes no <c>stream_options</c>) is counted: one output token per content or
/// tool-argument delta (OpenAI-style streams send about one token each), and the prompt as
/// <paramref name="estimatedInputTokens"/>.
/// </summary>
public sealed class AnthropicEventWriter(string model, long estimatedInputTokens = 0) : IStreamTranslator
{
    private readonly SseReader _reader = new();
    private readonly Dictionary<long, int> _blockByToolIndex = [];
    private string? _finishReason;
    private int _blocks, _open = -1;
    private bool _started, _failed, _counted;
    private long _deltas;
    private long _cachedTokens;

    public long PromptTokens { get; private set; }
    public long CompletionTokens { get; private set; }

    public void Feed(ReadOnlySpan<byte> openAISse, IBufferWriter<byte> output) => _reader.Feed(openAISse, (_, data) => OnChunk(data, output));

    public void Complete(IBufferWriter<byte> output)
    {
        _reader.Flush((_, data) => OnChunk(data, output));
        if (_failed) return;
        Start(output, null);
        CloseBlock(output);
        if (!_counted) (PromptTokens, CompletionTokens) = (estimatedInputTokens, _deltas);
        Event(output, "message_delta", w =>
        {
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", AnthropicCodec.StopReason(_finishReason));
            w.WriteNull("stop_sequence");
            w.WriteEndObject();
            AnthropicCodec.WriteUsage(w, PromptTokens, CompletionTokens, _cachedTokens);
        });
        Event(output, "message_stop", _ => { });
    }

    private void OnChunk(string data, IBufferWriter<byte> output)
    {
        if (_failed || data == "[DONE]") return;
        using var document = Json.TryParse(data);
        if (document is null) return;
        var chunk = document.RootElement;
        if (Json.At(chunk, "error") is { ValueKind: JsonValueKind.Object } error)
        {
            Fail(output, error);
            return;
        }
        Start(output, chunk);
        var usage = Json.At(chunk, "usage");
        if (usage.ValueKind == JsonValueKind.Object)
        {
            (PromptTokens, CompletionTokens) = (Json.Long(usage, "prompt_tokens") ?? 0, Json.Long(usage, "completion_tokens") ?? 0);
            _cachedTokens = ChatCompletion.CachedTokensOf(usage);
            _counted = true;
        }
        var choice = Json.Array(Json.At(chunk, "choices")).FirstOrDefault();
        var delta = Json.At(choice, "delta");
        if (Json.String(delta, "content") is { Length: > 0 } text)
        {
            Text(output, text);
            _deltas++;
        }
        foreach (var call in Json.Array(Json.At(delta, "tool_calls")))
        {
            ToolCall(output, call);
            _deltas++;
        }
        _finishReason = Json.String(choice, "finish_reason") ?? _finishReason;
    }

    private void Start(IBufferWriter<byte> output, JsonElement? chunk)
    {
        if (_started) return;
        _started = true;
        var id = chunk is { } c ? Json.String(c, "id") : null;
        var answeredModel = chunk is { } m ? Json.String(m, "model") : null;
        Event(output, "message_start", w =>
        {
            w.WriteStartObject("message");
            w.WriteString("id", AnthropicCodec.MessageId(id ?? ChatCompletion.NewId()));
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", answeredModel ?? model);
            w.WriteStartArray("content");
            w.WriteEndArray();
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
            AnthropicCodec.WriteUsage(w, 0, 0);
            w.WriteEndObject();
        });
    }

    private void Text(IBufferWriter<byte> output, string text)
    {
        if (_open < 0 || _blockByToolIndex.ContainsValue(_open))
            OpenBlock(output, w =>
            {
                w.WriteString("type", "text");
                w.WriteString("text", "");
            });
        Delta(output, _open, w =>
        {
            w.WriteString("type", "text_delta");
            w.WriteString("text", text);
        });
    }

    private void ToolCall(IBufferWriter<byte> output, JsonElement call)
    {
        var index = Json.Long(call, "index") ?? 0;
        var function = Json.At(call, "function");
        if (!_blockByToolIndex.TryGetValue(index, out var block))
        {
            OpenBlock(output, w =>
            {
                w.WriteString("type", "tool_use");
                w.WriteString("id", Json.String(call, "id") ?? $"toolu_{index}");
                w.WriteString("name", Json.String(function, "name") ?? "");
                w.WriteStartObject("input");
                w.WriteEndObject();
            });
            _blockByToolIndex[index] = block = _open;
        }
        if (Json.String(function, "arguments") is { Length: > 0 } fragment)
            Delta(output, block, w =>
            {
                w.WriteString("type", "input_json_delta");
                w.WriteString("partial_json", fragment);
            });
    }

    private void OpenBlock(IBufferWriter<byte> output, Action<Utf8JsonWriter> block)
    {
        CloseBlock(output);
        _open = _blocks++;
        Event(output, "content_block_start", w =>
        {
            w.WriteNumber("index", _open);
            w.WriteStartObject("content_block");
            block(w);
            w.WriteEndObject();
        });
    }

    private void CloseBlock(IBufferWriter<byte> output)
    {
        if (_open < 0) return;
        var index = _open;
        Event(output, "content_block_stop", w => w.WriteNumber("index", index));
        _open = -1;
    }

    private static void Delta(IBufferWriter<byte> output, int index, Action<Utf8JsonWriter> delta) =>
        Event(output, "content_block_delta", w =>
        {
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
        });

    /// <summary>
    /// A provider error mid-stream: Anthropic's <c>error</c> event, after which the stream ends; the same event the
    /// gateway ends a broken-off stream with (<see cref="AnthropicErrorShape.StreamEvent"/>): a rate limit, else a server error.
    /// </summary>
    private void Fail(IBufferWriter<byte> output, JsonElement error)
    {
        _failed = true;
        var type = Json.String(error, "type") ?? ProviderErrors.Server;
        var shaped = new GatewayError(type == ProviderErrors.RateLimit ? 429 : 500, type, Json.String(error, "message") ?? "the provider's stream failed");
        output.Write(AnthropicErrorShape.Instance.StreamEvent(shaped));
    }

    /// <summary><c>event: {name}</c> and its JSON data, whose <c>type</c> repeats the name as Anthropic's do.</summary>
    private static void Event(IBufferWriter<byte> output, string name, Action<Utf8JsonWriter> members)
    {
        output.Write("event: "u8);
        output.Write(System.Text.Encoding.UTF8.GetBytes(name));
        output.Write("\ndata: "u8);
        using (var writer = Json.Writer(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type", name);
            members(writer);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }
}
