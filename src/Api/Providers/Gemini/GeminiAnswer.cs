using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// What one <c>GenerateContentResponse</c> (a whole answer, or one streamed piece) says: its first candidate's text
/// (thoughts left out) and function calls (each with the thought signature Gemini put on its part), finish reason,
/// usage, and whether the prompt was blocked.
/// </summary>
/// <param name="CompletionTokens">Answer and thinking tokens: thinking is billed as output, as OpenAI counts reasoning.</param>
public sealed record GeminiAnswer(string Text, IReadOnlyList<ToolCall> ToolCalls, string? FinishReason, bool Blocked,
    long? PromptTokens, long? CompletionTokens, string? ResponseId, string? ModelVersion)
{
    /// <summary>Of the completion tokens, the thinking (<c>thoughtsTokenCount</c>).</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>Of the prompt's tokens, those read from Gemini's cache (<c>cachedContentTokenCount</c>).</summary>
    public long? CachedTokens { get; init; }

    public static GeminiAnswer Read(JsonElement root)
    {
        var candidate = Json.Array(Json.At(root, "candidates")).FirstOrDefault();
        var text = new StringBuilder();
        var calls = new List<ToolCall>();
        foreach (var part in Json.Array(Json.At(candidate, "content", "parts")))
        {
            if (Json.At(part, "thought").ValueKind == JsonValueKind.True) continue;
            if (Json.String(part, "text") is { } piece) text.Append(piece);
            var call = Json.At(part, "functionCall");
            if (call.ValueKind == JsonValueKind.Object)
                calls.Add(new ToolCall(Json.String(call, "id") ?? "call_" + Guid.NewGuid().ToString("N")[..24],
                    Json.String(call, "name") ?? "", ChatCompletion.ArgumentsText(Json.At(call, "args")))
                {
                    ExtraContent = GeminiRequestWriter.ExtraContent(Json.String(part, "thoughtSignature")),
                });
        }
        var usage = Json.At(root, "usageMetadata");
        var thoughts = Json.Long(usage, "thoughtsTokenCount");
        var completion = Json.Long(usage, "candidatesTokenCount") is { } candidates
            ? candidates + (thoughts ?? 0)
            : thoughts;
        return new GeminiAnswer(text.ToString(), calls, Json.String(candidate, "finishReason"),
            Json.String(Json.At(root, "promptFeedback"), "blockReason") is not null,
            Json.Long(usage, "promptTokenCount"), completion, Json.String(root, "responseId"), Json.String(root, "modelVersion"))
        {
            ReasoningTokens = thoughts,
            CachedTokens = Json.Long(usage, "cachedContentTokenCount"),
        };
    }
}
