using System.Buffers;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// The provider's stream → OpenAI chunks (the provider's translator; none when it streams OpenAI's already) → the
/// client's stream. Token counts come from the last stage, which sees the usage chunk.
/// </summary>
public sealed class ChainedStreamTranslator(IStreamTranslator? toInternal, IStreamTranslator fromInternal) : IStreamTranslator
{
    private readonly ArrayBufferWriter<byte> _internal = new(4096);

    public long PromptTokens => fromInternal.PromptTokens;
    public long CompletionTokens => fromInternal.CompletionTokens;

    public void Feed(ReadOnlySpan<byte> providerBytes, IBufferWriter<byte> output)
    {
        if (toInternal is null)
        {
            fromInternal.Feed(providerBytes, output);
            return;
        }
        toInternal.Feed(providerBytes, _internal);
        Pass(output);
    }

    public void Complete(IBufferWriter<byte> output)
    {
        toInternal?.Complete(_internal);
        Pass(output);
        fromInternal.Complete(output);
    }

    private void Pass(IBufferWriter<byte> output)
    {
        if (_internal.WrittenCount == 0) return;
        fromInternal.Feed(_internal.WrittenSpan, output);
        _internal.ResetWrittenCount();
    }
}
