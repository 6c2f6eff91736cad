using System.Buffers;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Bedrock;

/// <summary>
/// ConverseStream's event stream (<c>messageStart</c>, <c>contentBlockStart/Delta/Stop</c>, <c>messageStop</c>,
/// <c>metadata</c>, or an exception message) → OpenAI chunks. Usage arrives in <c>metadata</c>, after the stop.
/// </summary>
public sealed class BedrockStreamTranslator(string model, bool includeUsage) : IStreamTranslator
{
    private readonly AwsEventStreamReader _reader = new();
    private readonly ChunkWriter _chunks = new(model, includeUsage);
    private readonly Dictionary<long, int> _toolIndexByBlock = [];
    private bool _reportedProblem;

    public long PromptTokens => _chunks.PromptTokens;
    public long CompletionTokens => _chunks.CompletionTokens;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> openAISse)
    {
        _reader.Feed(providerBytes, e => OnEvent(e, openAISse));
        if (_reader.Problem is { } problem && !_reportedProblem)
        {
            _reportedProblem = true;
            _chunks.Error(openAISse, problem, ProviderErrors.Server);
        }
    }

    public void Complete(IBufferWriter<byte> openAISse) => _chunks.Complete(openAISse);

    private void OnEvent(AwsEvent e, IBufferWriter<byte> output)
    {
        using var document = Json.TryParse(e.Payload);
        var root = document?.RootElement ?? default;
        if (e.Header(":message-type") == "exception")
        {
            _chunks.Error(output, Json.String(root, "message") ?? "bedrock stream error", e.Header(":exception-type") ?? ProviderErrors.Server);
            return;
        }
        switch (e.Header(":event-type"))
        {
            case "contentBlockStart":
                var use = Json.At(root, "start", "toolUse");
                if (use.ValueKind != JsonValueKind.Object) break;
                var index = _toolIndexByBlock.Count;
                _toolIndexByBlock[Json.Long(root, "contentBlockIndex") ?? 0] = index;
                _chunks.ToolCallStart(output, index, Json.String(use, "toolUseId") ?? "", Json.String(use, "name") ?? "");
                break;
            case "contentBlockDelta":
                var delta = Json.At(root, "delta");
                if (Json.String(delta, "text") is { } text) _chunks.Text(output, text);
                else if (Json.String(Json.At(delta, "toolUse"), "input") is { } input
                    && _toolIndexByBlock.TryGetValue(Json.Long(root, "contentBlockIndex") ?? 0, out var tool))
                    _chunks.ToolCallArguments(output, tool, input);
                break;
            case "messageStop":
                _chunks.Finish(output, BedrockDriver.FinishReason(Json.String(root, "stopReason")));
                break;
            case "metadata":
                var usage = Json.At(root, "usage");
                _chunks.PromptTokens = BedrockDriver.PromptTokens(usage);
                _chunks.CompletionTokens = Json.Long(usage, "outputTokens") ?? 0;
                break;
        }
    }
}
