using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;
using Kong = Actors.Grains.Interfaces.Configuration.RouteTypes;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// Google's Gemini <c>generateContent</c> / <c>streamGenerateContent?alt=sse</c>, on the public API (key through the
/// target's auth, e.g. <c>x-goog-api-key</c> or the <c>key</c> query parameter) or on Vertex AI when
/// <c>gemini.api_endpoint</c>, <c>gemini.project_id</c> and <c>gemini.location_id</c> are set.
/// </summary>
public sealed class GeminiDriver : IProviderDriver
{
    public const string PublicBaseUrl = "https://generativelanguage.googleapis.com";
    private const string Generate = ":generateContent", StreamGenerate = ":streamGenerateContent";

    public string Name => "gemini";

    public IReadOnlyCollection<string> RouteTypes { get; } = [Kong.Chat, Kong.Embeddings, Kong.Preserve];

    public IEmbeddingsTranslation Embeddings { get; } = new GeminiEmbeddings();

    /// <remarks>
    /// Streaming switches to <c>:streamGenerateContent?alt=sse</c>, also under a configured URL. Embeddings go to
    /// <c>:batchEmbedContents</c> (Vertex: <c>:predict</c>); a configured URL is their whole endpoint.
    /// </remarks>
    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream)
    {
        var embeddings = target.RouteType == Kong.Embeddings;
        if (embeddings && configuredUrl is not null) return ProviderUrls.Absolute(configuredUrl);
        var operation = embeddings ? (IsVertex(target) ? GeminiEmbeddings.Predict : GeminiEmbeddings.BatchEmbed) : stream ? StreamGenerate : Generate;
        var model = ProviderUrls.Segment(target.ModelName);
        var url = configuredUrl is not null
            ? configuredUrl.Replace(stream ? Generate : StreamGenerate, operation, StringComparison.Ordinal)
            : IsVertex(target)
                ? $"https://{target.Option("gemini.api_endpoint")}/v1/projects/{target.Option("gemini.project_id")}/locations/{target.Option("gemini.location_id")}/publishers/google/models/{model}{operation}"
                : $"{PublicBaseUrl}/v1beta/models/{model}{operation}";
        var uri = ProviderUrls.Absolute(url);
        return uri is not null && stream && !embeddings ? ProviderUrls.WithQuery(uri, "alt", "sse") : uri;
    }

    /// <summary>Vertex AI rather than the Gemini API: <c>gemini.api_endpoint</c>, <c>project_id</c> and <c>location_id</c> are all set (Kong's test).</summary>
    public static bool IsVertex(ProviderTarget target) =>
        target.Option("gemini.api_endpoint") is not null && target.Option("gemini.project_id") is not null && target.Option("gemini.location_id") is not null;

    /// <remarks>Every member of the client's request is translated or refused (<see cref="GeminiRequestOptions"/>) before a byte is written.</remarks>
    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body)
    {
        var options = GeminiRequestOptions.Read(openAIRequest);
        var request = OpenAIChatRequest.Parse(openAIRequest, target);
        GeminiRequestWriter.Write(request, options, target, body);
        return NativeRequest(target, request.Stream);
    }

    public ProviderRequest NativeRequest(ProviderTarget target, bool stream) => new() { Stream = stream };

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        ChatCompletion.Translate(providerBody, root =>
        {
            var answer = GeminiAnswer.Read(root);
            return new ChatCompletion
            {
                Id = answer.ResponseId ?? ChatCompletion.NewId(),
                Model = answer.ModelVersion ?? target.ModelName,
                Content = answer.Text,
                ToolCalls = answer.ToolCalls,
                FinishReason = FinishReason(answer.FinishReason, answer.ToolCalls.Count > 0, answer.Blocked),
                PromptTokens = answer.PromptTokens ?? 0,
                CompletionTokens = answer.CompletionTokens ?? 0,
                CachedTokens = answer.CachedTokens ?? 0,
                ReasoningTokens = answer.ReasoningTokens,
            };
        });

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new GeminiStreamTranslator(target.ModelName, includeUsage);

    /// <remarks>
    /// <c>{"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED"}}</c>, sometimes inside an array. A key
    /// Google does not know comes as a 400 whose <c>details</c> say <c>API_KEY_INVALID</c>: OpenAI answers that 401.
    /// </remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody)
    {
        if (status == 400 && IsInvalidKey(providerBody)) status = 401;
        return ProviderErrors.Translate(Name, status, providerBody, root =>
        {
            var error = ErrorOf(root);
            return new(Json.String(error, "message"), Json.String(error, "status"));
        });
    }

    private static JsonElement ErrorOf(JsonElement root) =>
        Json.At(root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root, "error");

    private static bool IsInvalidKey(ReadOnlySpan<byte> body)
    {
        using var document = Json.TryParse(body);
        return document is not null
            && Json.Array(Json.At(ErrorOf(document.RootElement), "details")).Any(d => Json.String(d, "reason") == "API_KEY_INVALID");
    }

    /// <summary>
    /// <c>finishReason</c> → OpenAI's; a stop with function calls is <c>tool_calls</c>, as OpenAI reports it. Blocked
    /// content is <c>content_filter</c>. A function call Gemini failed to make (<c>MALFORMED_FUNCTION_CALL</c>,
    /// <c>UNEXPECTED_TOOL_CALL</c>, <c>TOO_MANY_TOOL_CALLS</c>) has no calls to run, so it is a <c>stop</c>, never
    /// <c>tool_calls</c>; OpenAI has no value of its own for it and clients know only OpenAI's.
    /// </summary>
    public static string FinishReason(string? reason, bool calledTools, bool blocked) => reason switch
    {
        _ when blocked => FinishReasons.ContentFilter,
        "MAX_TOKENS" => FinishReasons.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT"
            or "IMAGE_RECITATION" or "LANGUAGE" => FinishReasons.ContentFilter,
        "MALFORMED_FUNCTION_CALL" or "UNEXPECTED_TOOL_CALL" or "TOO_MANY_TOOL_CALLS" => FinishReasons.Stop,
        _ when calledTools => FinishReasons.ToolCalls,
        _ => FinishReasons.Stop,
    };
}
