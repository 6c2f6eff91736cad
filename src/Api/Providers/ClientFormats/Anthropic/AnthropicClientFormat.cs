using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Errors;
using Actors.Api.Providers.Anthropic;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Providers.Translation;
using Actors.Api.Proxy;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>
/// <c>llm_format: anthropic</c>: clients speak Anthropic's Messages API (<c>POST {route}/v1/messages</c>, where the
/// Anthropic SDKs send it under a base URL of <c>http://gateway/{route}</c>) and get Anthropic's answers, streams and
/// errors. An Anthropic target gets the client's request as is; any other provider is reached through the internal
/// OpenAI shape (<see cref="AnthropicCodec"/>).
/// </summary>
public sealed class AnthropicClientFormat : IClientFormat
{
    public const string MessagesPath = "/v1/messages";

    public string Name => "anthropic";

    public ClientCheck Check(string subPath, ReadOnlyMemory<byte> body)
    {
        if (subPath.TrimEnd('/') is not ("" or MessagesPath))
            return ClientCheck.NotFound($"this route speaks Anthropic's Messages API at {MessagesPath}; no endpoint at '{subPath}'");
        using var document = ChatRequestReader.TryParse(body, "an Anthropic Messages request", out var error);
        if (document is null) return ClientCheck.Refused(error!);
        var root = document.RootElement;
        return CheckRequest(root) is { } problem
            ? ClientCheck.Refused(problem)
            : new ClientCheck(root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True, Model: Json.String(root, "model"));
    }

    /// <summary>What Anthropic's API itself checks first (roles, content types), in its words.</summary>
    private static string? CheckRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return "the request body must be a JSON object";
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array) return "messages: Field required (an array)";
        if (messages.GetArrayLength() == 0) return "messages: at least one message is required";
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (Json.String(message, "role") is not ("user" or "assistant"))
                return $"messages.{i}.role: Input should be 'user' or 'assistant' (a system prompt goes in the top-level system field)";
            if (!message.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                return $"messages.{i}.content: Input should be a string or an array of content blocks";
            i++;
        }
        return ChatRequestReader.CheckType(root, "model", JsonValueKind.String, "a string")
            ?? ChatRequestReader.CheckType(root, "stream", JsonValueKind.True, "a boolean")
            ?? ChatRequestReader.CheckType(root, "temperature", JsonValueKind.Number, "a number")
            ?? ChatRequestReader.CheckType(root, "top_p", JsonValueKind.Number, "a number")
            ?? ChatRequestReader.CheckInteger(root, "max_tokens")
            ?? ChatRequestReader.CheckInteger(root, "top_k");
    }

    /// <remarks>An Anthropic target takes the client's request natively; any other provider through the codec.</remarks>
    public TargetExchange ExchangeFor(IProviderDriver provider, ProviderTarget target, TargetUrls urls) =>
        provider.Name == Name
            ? new NativeExchange(provider, ApplyTarget, "text/event-stream", target, urls)
            : new CodecExchange(new AnthropicCodec(InternalTarget.For(target, urls.Plain)), provider.ChatExchange(target, urls));

    /// <summary>Towards Anthropic itself: the target's model and configured sampling win, and a max_tokens is always set.</summary>
    private static void ApplyTarget(JsonObject request, ProviderTarget target)
    {
        request["model"] = target.ModelName;
        if (target.Temperature is { } temperature) request["temperature"] = temperature;
        if (target.TopP is { } topP) request["top_p"] = topP;
        if (target.TopK is { } topK) request["top_k"] = topK;
        if (target.MaxTokens is { } maxTokens) request["max_tokens"] = maxTokens;
        else if (request["max_tokens"] is null) request["max_tokens"] = AnthropicRequestWriter.DefaultMaxTokens;
    }

    public IErrorShape Errors => AnthropicErrorShape.Instance;
}
