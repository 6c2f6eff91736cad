using CommunityToolkit.HighPerformance.Buffers;

namespace Actors.Api.Forwarding;

/// <summary>How far a bounded read of a provider's body got.</summary>
public enum BodyReadResult
{
    /// <summary>The whole body was read.</summary>
    Complete,
    /// <summary>The limit was reached; more of the body may follow.</summary>
    Full,
    Cut,
    TimedOut,
    Canceled,
}

/// <summary>
/// Reads the start of a provider's body, or all of it, into a pooled buffer before the client sees any of it: never
/// more than a limit, and never past the request's deadline.
/// </summary>
public static class ResponseBodyReader
{
    public static async Task<BodyReadResult> ReadAsync(Stream input, ForwardAttempt attempt, ArrayPoolBufferWriter<byte> into, int limit)
    {
        try
        {
            while (into.WrittenCount < limit)
            {
                var memory = into.GetMemory(Math.Min(StreamCopier.BufferSize, limit - into.WrittenCount));
                var read = await input.ReadAsync(memory[..Math.Min(memory.Length, limit - into.WrittenCount)], attempt.NextReadBeforeAnswer());
                if (read == 0) return BodyReadResult.Complete;
                into.Advance(read);
            }
            return BodyReadResult.Full;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            return attempt.Aborted.IsCancellationRequested ? BodyReadResult.Canceled
                : ex is OperationCanceledException ? BodyReadResult.TimedOut : BodyReadResult.Cut;
        }
    }
}
