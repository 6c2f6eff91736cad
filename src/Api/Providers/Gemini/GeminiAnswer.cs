using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// What one <c>GenerateContentResponse</c> (a whole answer, or one streamed piece) says: its first candidate's text
/// (thoughts left out) and function calls, finish reason, usage, and whether the prompt was blocked.
/// </summary>
public sealed record GeminiAnswer(string Text, IReadOnlyList<ToolCall> ToolCalls, string? FinishReason, bool Blocked,
    long? PromptTokens, long? CompletionTokens, string? ResponseId, string? ModelVersion)
{
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
                    Json.String(call, "name") ?? "", ChatCompletion.ArgumentsText(Json.At(call, "args"))));
        }
        var usage = Json.At(root, "usageMetadata");
        var completion = Json.Long(usage, "candidatesTokenCount") is { } candidates
            // thinking is billed as output
            ? candidates + (Json.Long(usage, "thoughtsTokenCount") ?? 0)
            : (long?)null;
        return new GeminiAnswer(text.ToString(), calls, Json.String(candidate, "finishReason"),
            Json.String(Json.At(root, "promptFeedback"), "blockReason") is not null,
            Json.Long(usage, "promptTokenCount"), completion, Json.String(root, "responseId"), Json.String(root, "modelVersion"));
    }
}
