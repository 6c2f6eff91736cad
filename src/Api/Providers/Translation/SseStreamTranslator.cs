using System.Buffers;

namespace Actors.Api.Providers.Translation;

/// <summary>The frame of every translator whose provider streams server-sent events: one call per whole event.</summary>
public abstract class SseStreamTranslator(string model, bool includeUsage) : IStreamTranslator
{
    private readonly SseReader _reader = new();

    protected ChunkWriter Chunks { get; } = new(model, includeUsage);

    public long PromptTokens => Chunks.PromptTokens;
    public long CompletionTokens => Chunks.CompletionTokens;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> openAISse) =>
        _reader.Feed(providerBytes, (name, data) => OnEvent(name, data, openAISse));

    public void Complete(IBufferWriter<byte> openAISse)
    {
        _reader.Flush((name, data) => OnEvent(name, data, openAISse));
        Chunks.Complete(openAISse);
    }

    /// <summary>One event: <paramref name="name"/> from its <c>event:</c> line (null without one), its data joined.</summary>
    protected abstract void OnEvent(string? name, string data, IBufferWriter<byte> output);
}
