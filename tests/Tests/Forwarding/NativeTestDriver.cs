using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Forwarding;
using Actors.Api.Providers;

namespace Actors.Tests.Forwarding;

/// <summary>
/// A translating driver for tests, registered under a Kong provider name (<c>cohere</c>) in place of the real one: its "native" format is OpenAI's wrapped in visible
/// marks, so a test can tell that every step went through the driver. It talks to the fake OpenAI server.
/// </summary>
public sealed class NativeTestDriver : IProviderDriver
{
    public const string StreamQuery = "native-stream=1";

    public static ProviderRegistry Registry { get; } = new([new OpenAIDriver(), new NativeTestDriver()]);

    public string Name => "cohere";

    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) =>
        configuredUrl is null ? null : new Uri(stream ? configuredUrl + "?" + StreamQuery : configuredUrl);

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body)
    {
        var request = JsonNode.Parse(openAIRequest)!.AsObject();
        var stream = request["stream"]?.GetValue<bool>() == true;
        var native = new JsonObject
        {
            ["model"] = target.ModelName,
            ["messages"] = request["messages"]!.DeepClone(),
            ["stream"] = stream,
            ["native"] = true,
        };
        if (request["stream_options"] is { } streamOptions) native["stream_options"] = streamOptions.DeepClone();
        body.Write(Encoding.UTF8.GetBytes(native.ToJsonString()));
        return new ProviderRequest
        {
            Stream = stream,
            Headers = [new("x-native-key", target.AuthHeaderValue ?? ""), new("native-version", "2024-01-01")],
        };
    }

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target)
    {
        var body = JsonNode.Parse(providerBody)!.AsObject();
        body["translated_by"] = "native";
        UsageReader.TryRead(providerBody, out var prompt, out var completion);
        return new TranslatedResponse(Encoding.UTF8.GetBytes(body.ToJsonString()), prompt, completion);
    }

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) => new Translator();

    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody)
    {
        var message = JsonNode.Parse(providerBody)?["error"]?["message"]?.GetValue<string>() ?? "unknown";
        var error = new JsonObject { ["error"] = new JsonObject { ["message"] = "native: " + message, ["type"] = "native_error" } };
        return new TranslatedError(status, Encoding.UTF8.GetBytes(error.ToJsonString()));
    }

    /// <summary>Marks every event, drops the provider's [DONE] and writes its own at the end.</summary>
    private sealed class Translator : IStreamTranslator
    {
        private readonly StringBuilder _line = new();

        public long PromptTokens { get; private set; }
        public long CompletionTokens { get; private set; }

        public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> openAISse)
        {
            foreach (var c in Encoding.UTF8.GetString(providerBytes))
            {
                if (c != '\n') { _line.Append(c); continue; }
                var line = _line.ToString();
                _line.Clear();
                if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
                var data = Encoding.UTF8.GetBytes(line[6..]);
                if (UsageReader.TryRead(data, out var prompt, out var completion) && prompt + completion > 0) (PromptTokens, CompletionTokens) = (prompt, completion);
                openAISse.Write(Encoding.UTF8.GetBytes("data: {\"native\":" + line[6..] + "}\n\n"));
            }
        }

        public void Complete(IBufferWriter<byte> openAISse) => openAISse.Write("data: [DONE]\n\n"u8);
    }
}
