using System.Buffers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Bedrock.Credentials;
using Actors.Api.Providers.Embeddings;
using Actors.Api.Providers.Translation;
using Kong = Actors.Grains.Interfaces.Configuration.RouteTypes;

namespace Actors.Api.Providers.Bedrock;

/// <summary>
/// Amazon Bedrock's Converse API (<c>/model/{id}/converse</c>, <c>/converse-stream</c> when streaming), signed with
/// SigV4 for <c>bedrock.aws_region</c> (else <c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>) with the credentials
/// <see cref="BedrockCredentials"/> finds: the target's <c>aws_access_key_id</c>/<c>aws_secret_access_key</c>, else the
/// node's environment, shared files or web identity, optionally assuming <c>bedrock.aws_assume_role_arn</c>, as Kong does.
/// </summary>
/// <param name="sts">The client STS calls go through (web identity, assume role).</param>
public sealed class BedrockDriver(Func<string, string?> environment, TimeProvider time, HttpClient? sts = null) : IProviderDriver
{
    private const string Converse = "/converse", ConverseStream = "/converse-stream", Invoke = "/invoke";

    /// <summary>STS calls of every driver without its own client: short, as a request may be waiting for them.</summary>
    private static readonly HttpClient SharedSts = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly BedrockCredentials _credentials = new(environment, time, sts ?? SharedSts);

    public BedrockDriver() : this(Environment.GetEnvironmentVariable, TimeProvider.System) { }

    /// <summary>Where this driver's targets get their credentials (tests look at its caches).</summary>
    public BedrockCredentials Credentials => _credentials;

    public string Name => "bedrock";

    /// <summary>Chat and embeddings: preserve would need the client's own request signed, which this driver does not do.</summary>
    public IReadOnlyCollection<string> RouteTypes { get; } = [Kong.Chat, Kong.Embeddings];

    public IEmbeddingsTranslation Embeddings => field ??= new BedrockEmbeddings(target => NativeRequest(target, stream: false));

    /// <remarks>
    /// Streaming switches to <c>/converse-stream</c>, also under a configured URL. Embeddings go to InvokeModel
    /// (<c>/invoke</c>); a configured URL is their whole endpoint.
    /// </remarks>
    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream)
    {
        var embeddings = target.RouteType == Kong.Embeddings;
        var url = configuredUrl ?? (Region(target) is { } region
            ? $"https://bedrock-runtime.{region}.amazonaws.com/model/{ProviderUrls.Segment(target.ModelName)}{(embeddings ? Invoke : Converse)}"
            : null);
        if (url is null) return null;
        if (embeddings) return ProviderUrls.Absolute(url);
        if (stream && url.EndsWith(Converse, StringComparison.Ordinal)) url += "-stream";
        else if (!stream && url.EndsWith(ConverseStream, StringComparison.Ordinal)) url = url[..^"-stream".Length];
        return ProviderUrls.Absolute(url);
    }

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        NativeRequest(target, OpenAIChatRequest.Translate(openAIRequest, target, body, BedrockRequestWriter.Write));

    public ProviderRequest NativeRequest(ProviderTarget target, bool stream) => new() { Stream = stream, Sign = Signer(target) };

    /// <summary>
    /// Signs with the target's credentials, fetched (or refreshed) when due: the seam is synchronous, so a request that
    /// finds none valid waits for them; one that finds none at all, or whose source fails, goes unsigned and AWS answers
    /// 403, which fails over as usual.
    /// </summary>
    private Func<HttpRequestMessage, ReadOnlyMemory<byte>, IEnumerable<KeyValuePair<string, string>>>? Signer(ProviderTarget target)
    {
        var configuredRegion = Region(target);
        if (_credentials.For(target, configuredRegion, out _) is not { } credentials) return null;
        return (message, body) =>
        {
            AwsCredentials? current;
            try { current = credentials(); }
            catch (Exception ex) when (ex is AwsCredentialsException or OperationCanceledException) { current = null; }
            return current is null ? [] : new SigV4Signer(current, configuredRegion ?? RegionOf(message.RequestUri) ?? "us-east-1", "bedrock", time).Sign(message, body);
        };
    }

    private string? Region(ProviderTarget target) =>
        target.Option("bedrock.aws_region") ?? environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION");

    /// <summary>The region in a <c>bedrock-runtime.{region}.amazonaws.com</c> host.</summary>
    private static string? RegionOf(Uri? uri)
    {
        var parts = uri?.Host.Split('.') ?? [];
        return parts.Length >= 4 && parts[0].StartsWith("bedrock", StringComparison.Ordinal) ? parts[1] : null;
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        ChatCompletion.Translate(providerBody, root =>
        {
            var text = new StringBuilder();
            var calls = new List<ToolCall>();
            foreach (var block in Json.Array(Json.At(root, "output", "message", "content")))
            {
                if (Json.String(block, "text") is { } piece) text.Append(piece);
                var use = Json.At(block, "toolUse");
                if (use.ValueKind == JsonValueKind.Object)
                    calls.Add(new ToolCall(Json.String(use, "toolUseId") ?? "", Json.String(use, "name") ?? "", ChatCompletion.ArgumentsText(Json.At(use, "input"))));
            }
            var usage = Json.At(root, "usage");
            return new ChatCompletion
            {
                Id = ChatCompletion.NewId(),
                Model = target.ModelName,
                Content = text.ToString(),
                ToolCalls = calls,
                FinishReason = FinishReason(Json.String(root, "stopReason")),
                PromptTokens = PromptTokens(usage),
                CompletionTokens = Json.Long(usage, "outputTokens") ?? 0,
            };
        }, time);

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        new BedrockStreamTranslator(target.ModelName, includeUsage);

    /// <remarks><c>{"message":"..."}</c>; the exception name travels in a header the seam does not pass, so the status speaks.</remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) =>
        ProviderErrors.Translate(Name, status, providerBody, root => new(Json.String(root, "message") ?? Json.String(root, "Message"), null));

    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "tool_use" => FinishReasons.ToolCalls,
        "guardrail_intervened" or "content_filtered" => FinishReasons.ContentFilter,
        _ => FinishReasons.Stop,
    };

    /// <summary>Cached prompt tokens count as prompt tokens, as OpenAI counts them.</summary>
    public static long PromptTokens(JsonElement usage) =>
        (Json.Long(usage, "inputTokens") ?? 0) + (Json.Long(usage, "cacheReadInputTokens") ?? 0) + (Json.Long(usage, "cacheWriteInputTokens") ?? 0);
}
