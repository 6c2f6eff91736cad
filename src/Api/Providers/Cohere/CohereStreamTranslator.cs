using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Cohere;

/// <summary>
/// Cohere v2's stream events (<c>message-start</c>, <c>content-delta</c>, <c>tool-call-start/delta</c>,
/// <c>message-end</c> with finish reason and usage) → OpenAI chunks; the tool plan is not shown.
/// </summary>
public sealed class CohereStreamTranslator(string model, bool includeUsage) : SseStreamTranslator(model, includeUsage)
{
    protected override void OnEvent(string? name, string data, IBufferWriter<byte> output)
    {
        using var document = Json.TryParse(data);
        if (document is null) return;
        var root = document.RootElement;
        var message = Json.At(root, "delta", "message");
        var index = (int)(Json.Long(root, "index") ?? 0);
        switch (Json.String(root, "type") ?? name)
        {
            case "message-start":
                if (Json.String(root, "id") is { } id) Chunks.Id = id;
                break;
            case "content-delta":
                Chunks.Text(output, Json.String(Json.At(message, "content"), "text") ?? "");
                break;
            case "tool-call-start":
                var call = Json.At(message, "tool_calls");
                Chunks.ToolCallStart(output, index, Json.String(call, "id") ?? "", Json.String(Json.At(call, "function"), "name") ?? "",
                    Json.String(Json.At(call, "function"), "arguments") ?? "");
                break;
            case "tool-call-delta":
                Chunks.ToolCallArguments(output, index, Json.String(Json.At(message, "tool_calls", "function"), "arguments") ?? "");
                break;
            case "message-end":
                var (prompt, completion) = CohereDriver.Usage(Json.At(root, "delta", "usage"));
                Chunks.PromptTokens = prompt;
                Chunks.CompletionTokens = completion;
                Chunks.Finish(output, CohereDriver.FinishReason(Json.String(Json.At(root, "delta"), "finish_reason")));
                break;
        }
    }
}
