using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Actors.Api.Forwarding;

/// <summary>
/// Part of step 7 (Forward): a response in OpenAI's format goes to the client as the provider sent it, read and written
/// in chunks so memory per request stays bounded whatever the size of the body. Token counts are read from the bytes as
/// they pass.
/// </summary>
public static class PassThroughRelay
{
    /// <summary>
    /// A body up to this size is read whole before the client sees any of it, so when it is cut or stalls another
    /// target can still be tried; past it the body streams through and a cut reaches the client as a cut.
    /// </summary>
    public const int RetryableBodyBytes = 64 * 1024;

    public static async Task<AttemptResult> RelayAsync(ForwardAttempt attempt, HttpResponseMessage response)
    {
        await using var body = await response.Content.ReadAsStreamAsync(attempt.Aborted);
        return response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? await RelayEventsAsync(attempt, response, body)
            : await RelayBodyAsync(attempt, response, body);
    }

    private static async Task<AttemptResult> RelayBodyAsync(ForwardAttempt attempt, HttpResponseMessage response, Stream body)
    {
        var status = (int)response.StatusCode;
        var declared = response.Content.Headers.ContentLength;
        using var start = new ArrayPoolBufferWriter<byte>(declared is { } n and < RetryableBodyBytes ? (int)n + 1 : 16 * 1024);
        switch (await ResponseBodyReader.ReadAsync(body, attempt, start, RetryableBodyBytes))
        {
            case BodyReadResult.Cut: return AttemptResults.Failed(attempt, ForwarderError.ResponseBodyCut);
            case BodyReadResult.TimedOut: return AttemptResults.Failed(attempt, ForwarderError.ResponseBodyTimedOut);
            case BodyReadResult.Canceled: return AttemptResults.CutAfterStart(attempt, StreamCopyResult.Canceled);
            case BodyReadResult.Complete:
                var whole = new JsonUsageScanner();
                whole.Feed(start.WrittenSpan);
                HeaderTransformer.CopyResponseHeaders(attempt, response, status);
                attempt.Context.Response.ContentLength = start.WrittenCount;
                await attempt.Context.Response.Body.WriteAsync(start.WrittenMemory, attempt.Aborted);
                return AttemptResults.Delivered(status, whole.PromptTokens, whole.CompletionTokens);
        }

        // Larger: what was read goes first, the rest follows chunk by chunk.
        var usage = new JsonUsageScanner();
        usage.Feed(start.WrittenSpan);
        HeaderTransformer.CopyResponseHeaders(attempt, response, status);
        attempt.Context.Response.ContentLength = declared;
        var client = attempt.Context.Response.Body;
        await client.WriteAsync(start.WrittenMemory, attempt.Aborted);
        var copy = await StreamCopier.CopyAsync(body, attempt, chunk =>
        {
            usage.Feed(chunk.Span);
            return client.WriteAsync(chunk, attempt.Aborted);
        });
        return copy == StreamCopyResult.Success
            ? AttemptResults.Delivered(status, usage.PromptTokens, usage.CompletionTokens)
            : AttemptResults.CutAfterStart(attempt, copy);
    }

    /// <summary>Server-sent events go to the client as they arrive: every read is flushed at once.</summary>
    private static async Task<AttemptResult> RelayEventsAsync(ForwardAttempt attempt, HttpResponseMessage response, Stream body)
    {
        var client = attempt.Context.Response;
        HeaderTransformer.CopyResponseHeaders(attempt, response, (int)response.StatusCode);
        attempt.Context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await client.StartAsync(attempt.Aborted);
        var scanner = new SseUsageScanner();
        double? firstByteMs = null;
        var copy = await StreamCopier.CopyAsync(body, attempt, async chunk =>
        {
            firstByteMs ??= attempt.ElapsedMs;
            scanner.Feed(chunk.Span);
            await client.Body.WriteAsync(chunk, attempt.Aborted);
            await client.Body.FlushAsync(attempt.Aborted);
        });
        // A cut stream is cut for the client too: never a fake [DONE].
        return copy == StreamCopyResult.Success
            ? AttemptResults.Delivered((int)response.StatusCode, scanner.PromptTokens, scanner.CompletionTokens, firstByteMs)
            : AttemptResults.CutAfterStart(attempt, copy);
    }
}
