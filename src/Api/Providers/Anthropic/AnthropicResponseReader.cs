using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>
/// A Messages API answer → <c>chat.completion</c>: text blocks joined, <c>tool_use</c> blocks as tool calls, thinking as
/// <c>reasoning_content</c> with the thinking and redacted_thinking blocks themselves (signatures kept) in
/// <c>thinking_blocks</c>, for the client to send back; cache reads as <c>prompt_tokens_details.cached_tokens</c>.
/// </summary>
public static class AnthropicResponseReader
{
    public static TranslatedResponse? Read(ReadOnlySpan<byte> body, ProviderTarget target)
    {
        using var document = Json.TryParse(body);
        if (document is null) return null;
        var root = document.RootElement;
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var thinking = new List<string>();
        var calls = new List<ToolCall>();
        foreach (var block in Json.Array(Json.At(root, "content")))
        {
            switch (Json.String(block, "type"))
            {
                case "text":
                    text.Append(Json.String(block, "text"));
                    break;
                case "thinking":
                    reasoning.Append(Json.String(block, "thinking"));
                    thinking.Add(block.GetRawText());
                    break;
                case "redacted_thinking":
                    thinking.Add(block.GetRawText());
                    break;
                case "tool_use":
                    calls.Add(new ToolCall(Json.String(block, "id") ?? "", Json.String(block, "name") ?? "",
                        ChatCompletion.ArgumentsText(Json.At(block, "input"))));
                    break;
            }
        }
        var usage = Json.At(root, "usage");
        return new ChatCompletion
        {
            Id = Json.String(root, "id") ?? ChatCompletion.NewId(),
            Model = Json.String(root, "model") ?? target.ModelName,
            Content = text.ToString(),
            ToolCalls = calls,
            FinishReason = AnthropicDriver.FinishReason(Json.String(root, "stop_reason")),
            PromptTokens = AnthropicDriver.PromptTokens(usage),
            CompletionTokens = Json.Long(usage, "output_tokens") ?? 0,
            CachedTokens = Json.Long(usage, "cache_read_input_tokens") ?? 0,
            ReasoningContent = thinking.Count > 0 ? reasoning.ToString() : null,
            ThinkingBlocksJson = thinking.Count > 0 ? "[" + string.Join(",", thinking) + "]" : null,
        }.ToResponse();
    }
}
