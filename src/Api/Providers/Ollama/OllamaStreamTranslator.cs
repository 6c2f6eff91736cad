using System.Buffers;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Ollama;

/// <summary>Ollama's NDJSON stream (a chat object per line, the last with <c>done: true</c> and counts) → OpenAI chunks.</summary>
public sealed class OllamaStreamTranslator(string model, bool includeUsage) : IStreamTranslator
{
    private readonly LineSplitter _lines = new();
    private readonly ChunkWriter _chunks = new(model, includeUsage);
    private int _toolCalls;

    public long PromptTokens => _chunks.PromptTokens;
    public long CompletionTokens => _chunks.CompletionTokens;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> openAISse) => _lines.Feed(providerBytes, line => OnLine(line, openAISse));

    public void Complete(IBufferWriter<byte> openAISse)
    {
        _lines.Flush(line => OnLine(line, openAISse));
        _chunks.Complete(openAISse);
    }

    private void OnLine(string line, IBufferWriter<byte> output)
    {
        using var document = Json.TryParse(line);
        if (document is null) return;
        var answer = OllamaAnswer.Read(document.RootElement, _toolCalls);
        if (answer.Error is { } error)
        {
            _chunks.Error(output, error, ProviderErrors.Server);
            return;
        }
        _chunks.Text(output, answer.Text);
        foreach (var call in answer.ToolCalls) _chunks.ToolCallStart(output, _toolCalls++, call.Id, call.Name, call.Arguments);
        if (!answer.Done) return;
        _chunks.PromptTokens = answer.PromptTokens ?? 0;
        _chunks.CompletionTokens = answer.CompletionTokens ?? 0;
        _chunks.Finish(output, OllamaDriver.FinishReason(answer.DoneReason, _toolCalls > 0));
    }
}
