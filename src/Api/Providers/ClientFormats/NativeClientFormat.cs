using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Actors.Api.Errors;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Providers.Translation;
using Actors.Api.Proxy;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// A format passed through to its own provider only, as Kong allows it (<c>llm_format: gemini</c>, <c>bedrock</c>):
/// the SDK's endpoint under the route names the operation (and whether it streams), the body goes through with the
/// target's model (in the provider's URL) and configured sampling written in, answers come back byte for byte.
/// A route mixing other providers under these formats is refused when the config is checked.
/// </summary>
public sealed partial class NativeClientFormat(
    string name, Regex endpoint, string streamOperation, string contentsMember,
    Action<JsonObject, ProviderTarget> applyTarget, IErrorShape errors, string streamContentType) : IClientFormat
{
    /// <summary>The Gemini SDKs' <c>/v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c> (Vertex paths too).</summary>
    public static readonly NativeClientFormat Gemini = new("gemini", GeminiEndpoint(), "streamGenerateContent", "contents",
        (request, target) =>
        {
            SetIn(request, "generationConfig", "temperature", target.Temperature);
            SetIn(request, "generationConfig", "maxOutputTokens", target.MaxTokens);
            SetIn(request, "generationConfig", "topP", target.TopP);
            SetIn(request, "generationConfig", "topK", target.TopK);
        },
        GoogleErrorShape.Instance, "text/event-stream");

    /// <summary>The AWS SDKs' <c>/model/{model}/converse</c> and <c>/converse-stream</c>.</summary>
    public static readonly NativeClientFormat Bedrock = new("bedrock", BedrockEndpoint(), "converse-stream", "messages",
        (request, target) =>
        {
            SetIn(request, "inferenceConfig", "temperature", target.Temperature);
            SetIn(request, "inferenceConfig", "maxTokens", target.MaxTokens);
            SetIn(request, "inferenceConfig", "topP", target.TopP);
        },
        AwsErrorShape.Instance, "application/vnd.amazon.eventstream");

    public string Name => name;

    public ClientCheck Check(string subPath, ReadOnlyMemory<byte> body)
    {
        var match = endpoint.Match(subPath);
        if (!match.Success) return ClientCheck.NotFound($"this route speaks the {name} API; no {name} operation at '{subPath}'");
        using var document = ChatRequestReader.TryParse(body, $"a {name} request", out var error);
        if (document is null) return ClientCheck.Refused(error!);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return ClientCheck.Refused("the request body must be a JSON object");
        if (Json.At(root, contentsMember) is not { ValueKind: JsonValueKind.Array } contents || contents.GetArrayLength() == 0)
            return ClientCheck.Refused($"'{contentsMember}' must be a non-empty array");
        return new ClientCheck(match.Groups["operation"].Value == streamOperation);
    }

    /// <remarks>Only the format's own provider: Kong passes these formats through and translates none of them.</remarks>
    public TargetExchange? ExchangeFor(IProviderDriver provider, ProviderTarget target, TargetUrls urls) =>
        provider.Name == name ? new NativeExchange(provider, applyTarget, streamContentType, target, urls) : null;

    /// <summary>Sets <paramref name="name"/> in <paramref name="parent"/>'s object member <paramref name="section"/> (created when missing).</summary>
    private static void SetIn(JsonObject parent, string section, string name, JsonNode? value)
    {
        if (value is null) return;
        if (parent[section] is not JsonObject child) parent[section] = child = [];
        child[name] = value;
    }

    public IErrorShape Errors => errors;

    [GeneratedRegex(@"/models/[^/:]+:(?<operation>generateContent|streamGenerateContent)$")]
    private static partial Regex GeminiEndpoint();

    [GeneratedRegex(@"^/model/[^/]+/(?<operation>converse|converse-stream)$")]
    private static partial Regex BedrockEndpoint();
}
