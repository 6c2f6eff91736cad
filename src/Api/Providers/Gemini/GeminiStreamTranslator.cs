using System.Buffers;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// Gemini's <c>alt=sse</c> stream: every event is a whole <c>GenerateContentResponse</c> carrying the next piece of
/// text or whole function calls (with their thought signatures); the last has the finish reason; usage comes with
/// the pieces, the last count final. An <c>error</c> event mid-stream becomes OpenAI's error event.
/// </summary>
public sealed class GeminiStreamTranslator(string model, bool includeUsage) : SseStreamTranslator(model, includeUsage)
{
    private int _toolCalls;

    protected override void OnEvent(string? name, string data, IBufferWriter<byte> output)
    {
        using var document = Json.TryParse(data);
        if (document is null) return;
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            // OpenAI's type for Google's HTTP code (500 INTERNAL is a server_error, 429 RESOURCE_EXHAUSTED a rate_limit_error).
            var code = Json.Long(error, "code") is { } number and >= 400 and < 600 ? (int)number : 500;
            Chunks.Error(output, Json.String(error, "message") ?? "gemini stream error", ProviderErrors.TypeFor(ProviderErrors.ClientStatus(code)));
            return;
        }
        var answer = GeminiAnswer.Read(document.RootElement);
        if (answer.ResponseId is { } id) Chunks.Id = id;
        if (answer.ModelVersion is { } version) Chunks.Model = version;
        if (answer.PromptTokens is { } prompt) Chunks.PromptTokens = prompt;
        if (answer.CompletionTokens is { } completion) Chunks.CompletionTokens = completion;
        if (answer.ReasoningTokens is { } reasoning) Chunks.ReasoningTokens = reasoning;
        if (answer.CachedTokens is { } cached) Chunks.CachedTokens = cached;
        Chunks.Text(output, answer.Text);
        foreach (var call in answer.ToolCalls) Chunks.ToolCallStart(output, _toolCalls++, call.Id, call.Name, call.Arguments, call.ExtraContent);
        if (answer.FinishReason is not null || answer.Blocked)
            Chunks.Finish(output, GeminiDriver.FinishReason(answer.FinishReason, _toolCalls > 0, answer.Blocked));
    }
}
