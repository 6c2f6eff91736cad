using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Anthropic;

/// <summary>A Messages API answer → <c>chat.completion</c>: text blocks joined, <c>tool_use</c> blocks as tool calls.</summary>
public static class AnthropicResponseReader
{
    public static TranslatedResponse? Read(ReadOnlySpan<byte> body, ProviderTarget target)
    {
        using var document = Json.TryParse(body);
        if (document is null) return null;
        var root = document.RootElement;
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        foreach (var block in Json.Array(Json.At(root, "content")))
        {
            switch (Json.String(block, "type"))
            {
                case "text":
                    text.Append(Json.String(block, "text"));
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
        }.ToResponse();
    }
}
