using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>
/// Anthropic's stream (<c>message_start</c>, <c>content_block_start/delta/stop</c>, <c>message_delta</c>,
/// <c>message_stop</c>, <c>ping</c>, <c>error</c>) → OpenAI chunks. Tool-use blocks become tool calls numbered in
/// the order they start; their <c>input_json_delta</c> fragments become argument deltas. Thinking deltas become
/// <c>reasoning_content</c> deltas, and each finished thinking block (its signature gathered from <c>signature_delta</c>)
/// or redacted one comes whole as <c>thinking_blocks</c>, for the client to send back next turn.
/// </summary>
public sealed class AnthropicStreamTranslator(string model, bool includeUsage) : SseStreamTranslator(model, includeUsage)
{
    private readonly Dictionary<long, int> _toolIndexByBlock = [];
    private readonly Dictionary<long, (System.Text.StringBuilder Thinking, System.Text.StringBuilder Signature)> _thinkingByBlock = [];

    protected override void OnEvent(string? name, string data, IBufferWriter<byte> output)
    {
        using var document = Json.TryParse(data);
        if (document is null) return;
        var root = document.RootElement;
        switch (Json.String(root, "type") ?? name)
        {
            case "message_start":
                var message = Json.At(root, "message");
                if (Json.String(message, "id") is { } id) Chunks.Id = id;
                if (Json.String(message, "model") is { } model) Chunks.Model = model;
                Chunks.PromptTokens = AnthropicDriver.PromptTokens(Json.At(message, "usage"));
                Chunks.CachedTokens = Json.Long(Json.At(message, "usage"), "cache_read_input_tokens") ?? 0;
                Chunks.CompletionTokens = Json.Long(Json.At(message, "usage"), "output_tokens") ?? 0;
                break;
            case "content_block_start":
                StartBlock(root, output);
                break;
            case "content_block_delta":
                Delta(root, output);
                break;
            case "content_block_stop" when _thinkingByBlock.Remove(Json.Long(root, "index") ?? 0, out var thinking):
                Chunks.ThinkingBlock(output, w =>
                {
                    w.WriteString("type", "thinking");
                    w.WriteString("thinking", thinking.Thinking.ToString());
                    w.WriteString("signature", thinking.Signature.ToString());
                });
                break;
            case "message_delta":
                MessageDelta(root, output);
                break;
            case "error":
                Chunks.Error(output, Json.String(Json.At(root, "error"), "message") ?? "anthropic stream error",
                    Json.String(Json.At(root, "error"), "type") ?? ProviderErrors.Server);
                break;
        }
    }

    private void StartBlock(JsonElement root, IBufferWriter<byte> output)
    {
        var block = Json.At(root, "content_block");
        switch (Json.String(block, "type"))
        {
            case "thinking":
                _thinkingByBlock[Json.Long(root, "index") ?? 0] = (new(Json.String(block, "thinking")), new(Json.String(block, "signature")));
                return;
            case "redacted_thinking":
                Chunks.ThinkingBlock(output, w =>
                {
                    w.WriteString("type", "redacted_thinking");
                    w.WriteString("data", Json.String(block, "data") ?? "");
                });
                return;
            case not "tool_use":
                return;
        }
        var index = _toolIndexByBlock.Count;
        _toolIndexByBlock[Json.Long(root, "index") ?? 0] = index;
        Chunks.ToolCallStart(output, index, Json.String(block, "id") ?? "", Json.String(block, "name") ?? "");
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = Json.At(root, "delta");
        switch (Json.String(delta, "type"))
        {
            case "text_delta":
                Chunks.Text(output, Json.String(delta, "text") ?? "");
                break;
            case "input_json_delta" when _toolIndexByBlock.TryGetValue(Json.Long(root, "index") ?? 0, out var index):
                Chunks.ToolCallArguments(output, index, Json.String(delta, "partial_json") ?? "");
                break;
            case "thinking_delta" when _thinkingByBlock.TryGetValue(Json.Long(root, "index") ?? 0, out var thinking):
                var piece = Json.String(delta, "thinking") ?? "";
                thinking.Thinking.Append(piece);
                Chunks.Reasoning(output, piece);
                break;
            case "signature_delta" when _thinkingByBlock.TryGetValue(Json.Long(root, "index") ?? 0, out var signed):
                signed.Signature.Append(Json.String(delta, "signature"));
                break;
        }
    }

    private void MessageDelta(JsonElement root, IBufferWriter<byte> output)
    {
        var usage = Json.At(root, "usage");
        if (Json.Long(usage, "output_tokens") is { } completion) Chunks.CompletionTokens = completion;
        // Newer API versions repeat the input counts here, final.
        if (Json.Long(usage, "input_tokens") is not null) Chunks.PromptTokens = AnthropicDriver.PromptTokens(usage);
        if (Json.Long(usage, "cache_read_input_tokens") is { } cached) Chunks.CachedTokens = cached;
        if (Json.String(Json.At(root, "delta"), "stop_reason") is { } stop) Chunks.Finish(output, AnthropicDriver.FinishReason(stop));
    }
}
