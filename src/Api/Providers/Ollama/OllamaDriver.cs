using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Ollama;

/// <summary>
/// Ollama's native <c>POST /api/chat</c> (also <c>llama2</c> and <c>mistral</c> targets in <c>ollama</c> format). Ollama
/// streams unless told otherwise, so <c>stream</c> is always sent; its stream is NDJSON. Needs <c>upstream_url</c>.
/// </summary>
public sealed class OllamaDriver : IProviderDriver
{
    public string Name => "ollama";

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) => ProviderUrls.Absolute(configuredUrl);

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        new() { Stream = OpenAIChatRequest.Translate(openAIRequest, target, body, OllamaRequestWriter.Write) };

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        ChatCompletion.Translate(providerBody, root =>
        {
            var answer = OllamaAnswer.Read(root, firstCall: 0);
            return new ChatCompletion
            {
                Id = ChatCompletion.NewId(),
                Model = answer.Model ?? target.ModelName,
                Content = answer.Text,
                ToolCalls = answer.ToolCalls,
                FinishReason = FinishReason(answer.DoneReason, answer.ToolCalls.Count > 0),
                PromptTokens = answer.PromptTokens ?? 0,
                CompletionTokens = answer.CompletionTokens ?? 0,
            };
        });

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new OllamaStreamTranslator(target.ModelName, includeUsage);

    /// <remarks><c>{"error":"model \"x\" not found, try pulling it first"}</c></remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) =>
        ProviderErrors.Translate(Name, status, providerBody, root => new(Json.String(root, "error"), null));

    public static string FinishReason(string? doneReason, bool calledTools) => doneReason switch
    {
        "length" => FinishReasons.Length,
        _ when calledTools => FinishReasons.ToolCalls,
        _ => FinishReasons.Stop,
    };
}

/// <summary>One Ollama chat object (a whole answer, or one NDJSON line of a stream).</summary>
public sealed record OllamaAnswer(string Text, IReadOnlyList<ToolCall> ToolCalls, bool Done, string? DoneReason,
    long? PromptTokens, long? CompletionTokens, string? Model, string? Error)
{
    /// <summary>Ollama's calls carry no ids; they are numbered from <paramref name="firstCall"/>.</summary>
    public static OllamaAnswer Read(JsonElement root, int firstCall)
    {
        var message = Json.At(root, "message");
        var calls = Json.Array(Json.At(message, "tool_calls"))
            .Select((call, i) => new ToolCall(Json.String(call, "id") ?? $"call_{firstCall + i}", Json.String(Json.At(call, "function"), "name") ?? "",
                ChatCompletion.ArgumentsText(Json.At(call, "function", "arguments"))))
            .ToList();
        return new OllamaAnswer(Json.String(message, "content") ?? "", calls, Json.At(root, "done").ValueKind == JsonValueKind.True,
            Json.String(root, "done_reason"), Json.Long(root, "prompt_eval_count"), Json.Long(root, "eval_count"), Json.String(root, "model"),
            Json.String(root, "error"));
    }
}
