using System.Buffers;

namespace Actors.Api.Forwarding;

/// <summary>How a copy of a provider's body ended (as YARP's <c>StreamCopyResult</c>).</summary>
public enum StreamCopyResult
{
    Success,
    /// <summary>The provider's side broke (reset, cut).</summary>
    InputError,
    /// <summary>The provider was silent for longer than <c>read_timeout</c>.</summary>
    InputTimedOut,
    /// <summary>Writing to the client failed.</summary>
    OutputError,
    /// <summary>The client went away.</summary>
    Canceled,
}

/// <summary>
/// Part of step 7 (Forward): copies a provider's body chunk by chunk with an activity timeout: each read gets the
/// attempt's <c>read_timeout</c> of silence, however long the whole body takes. A copy waits for the provider's next
/// bytes with a zero-byte read and rents its buffer only once they are there (as YARP's copier does), so a stream
/// that is open but quiet, most of an LLM stream's life, holds no buffer at all.
/// </summary>
public static class StreamCopier
{
    public const int BufferSize = 64 * 1024;

    /// <param name="onChunk">Handles every chunk read (writes it to the client, feeds a scanner or translator).</param>
    public static async Task<StreamCopyResult> CopyAsync(Stream input, ForwardAttempt attempt, Func<ReadOnlyMemory<byte>, ValueTask> onChunk)
    {
        while (true)
        {
            var buffer = Array.Empty<byte>();
            try
            {
                int read;
                try
                {
                    var silence = attempt.NextRead();
                    // A stream without zero-byte reads answers 0 at once; the read after it then waits, as before.
                    _ = await input.ReadAsync(Memory<byte>.Empty, silence);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                    read = await input.ReadAsync(buffer, silence);
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
                {
                    return attempt.Aborted.IsCancellationRequested ? StreamCopyResult.Canceled
                        : ex is OperationCanceledException ? StreamCopyResult.InputTimedOut : StreamCopyResult.InputError;
                }
                if (read == 0) return StreamCopyResult.Success;
                try
                {
                    await onChunk(buffer.AsMemory(0, read));
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
                {
                    return attempt.Aborted.IsCancellationRequested ? StreamCopyResult.Canceled : StreamCopyResult.OutputError;
                }
            }
            finally
            {
                if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
