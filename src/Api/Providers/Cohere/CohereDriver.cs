using System.Buffers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;
using Kong = Actors.Grains.Interfaces.Configuration.RouteTypes;

namespace Actors.Api.Providers.Cohere;

/// <summary>
/// Cohere's v2 chat API (<c>POST /v2/chat</c>; Kong's open-source driver still speaks v1). Its messages are close to
/// OpenAI's; sampling is <c>p</c>/<c>k</c>, stops <c>stop_sequences</c>, answers content blocks, streams typed events.
/// </summary>
public sealed class CohereDriver : IProviderDriver
{
    public const string DefaultUrl = "https://api.cohere.com:443/v2/chat";
    public const string DefaultEmbeddingsUrl = "https://api.cohere.com:443/v2/embed";

    public string Name => "cohere";

    public IReadOnlyCollection<string> RouteTypes { get; } = [Kong.Chat, Kong.Embeddings, Kong.Preserve];

    public IEmbeddingsTranslation Embeddings { get; } = new CohereEmbeddings();

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) =>
        ProviderUrls.Absolute(configuredUrl ?? (target.RouteType == Kong.Embeddings ? DefaultEmbeddingsUrl : DefaultUrl));

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        new() { Stream = OpenAIChatRequest.Translate(openAIRequest, target, body, CohereRequestWriter.Write) };

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        ChatCompletion.Translate(providerBody, root =>
        {
            var message = Json.At(root, "message");
            var text = new StringBuilder();
            foreach (var block in Json.Array(Json.At(message, "content")))
                if (Json.String(block, "type") == "text") text.Append(Json.String(block, "text"));
            var calls = Json.Array(Json.At(message, "tool_calls")).Select(ToolCall.Read).OfType<ToolCall>().ToList();
            var (prompt, completion) = Usage(Json.At(root, "usage"));
            return new ChatCompletion
            {
                Id = Json.String(root, "id") ?? ChatCompletion.NewId(),
                Model = target.ModelName,
                Content = text.ToString(),
                ToolCalls = calls,
                FinishReason = FinishReason(Json.String(root, "finish_reason")),
                PromptTokens = prompt,
                CompletionTokens = completion,
            };
        });

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new CohereStreamTranslator(target.ModelName, includeUsage);

    /// <remarks><c>{"id":"...","message":"invalid request: ..."}</c></remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) =>
        ProviderErrors.Translate(Name, status, providerBody, root => new(Json.String(root, "message"), null));

    public static string FinishReason(string? reason) => reason switch
    {
        "MAX_TOKENS" or "ERROR_LIMIT" => FinishReasons.Length,
        "TOOL_CALL" => FinishReasons.ToolCalls,
        "ERROR_TOXIC" => FinishReasons.ContentFilter,
        _ => FinishReasons.Stop,
    };

    /// <summary>The tokens the model saw and wrote; the billed units when those are absent.</summary>
    public static (long Prompt, long Completion) Usage(JsonElement usage)
    {
        var tokens = Json.At(usage, "tokens");
        if (tokens.ValueKind != JsonValueKind.Object) tokens = Json.At(usage, "billed_units");
        return (Json.Long(tokens, "input_tokens") ?? 0, Json.Long(tokens, "output_tokens") ?? 0);
    }
}
