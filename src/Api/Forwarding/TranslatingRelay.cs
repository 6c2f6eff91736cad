using System.Text.Json;
using Actors.Api.Errors;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Providers;
using Actors.Api.Providers.Exchanges;
using Microsoft.AspNetCore.Http.Features;

namespace Actors.Api.Forwarding;

/// <summary>
/// Part of step 7 (Forward): a response the target's exchange translates (<see cref="ProviderAnswer.TranslateBody"/>,
/// <see cref="ProviderAnswer.CreateStreamTranslator"/>, <see cref="ProviderAnswer.TranslateError"/>). A stream is
/// translated chunk by chunk; a whole body must be read first, up to <see cref="MaxTranslatedBodyBytes"/>.
/// </summary>
public static class TranslatingRelay
{
    /// <summary>Largest non-streamed body a driver translates; a larger one ends the request with a 502.</summary>
    public const int MaxTranslatedBodyBytes = 16 * 1024 * 1024;

    public static async Task<AttemptResult> RelayAsync(ForwardAttempt attempt, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var translator = status < 400 && attempt.Request.Stream ? attempt.Answer.CreateStreamTranslator() : null;
        // null for a stream: the provider streams OpenAI's SSE already
        if (status < 400 && attempt.Request.Stream && translator is null) return await PassThroughRelay.RelayAsync(attempt, response);
        await using var body = await response.Content.ReadAsStreamAsync(attempt.Aborted);
        if (status >= 400) return await RelayErrorAsync(attempt, response, body);
        return translator is not null
            ? await RelayStreamAsync(attempt, response, body, translator)
            : await RelayBodyAsync(attempt, response, body);
    }

    /// <summary>The provider's error → OpenAI's shape and the status the client gets. Never throws.</summary>
    public static HeldBackError TranslateError(ForwardAttempt attempt, int status, ReadOnlySpan<byte> body)
    {
        try
        {
            var translated = attempt.Answer.TranslateError(status, body);
            return new HeldBackError(translated.Status, translated.Body, "application/json");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return new HeldBackError(status, [], null);
        }
    }

    private static async Task<AttemptResult> RelayErrorAsync(ForwardAttempt attempt, HttpResponseMessage response, Stream body)
    {
        using var buffer = new ArrayPoolBufferWriter<byte>(4096);
        await ResponseBodyReader.ReadAsync(body, attempt, buffer, UpstreamForwarder.MaxHeldBackBody);
        var error = TranslateError(attempt, (int)response.StatusCode, buffer.WrittenSpan);
        HeaderTransformer.CopyResponseHeaders(attempt, response, error.Status, copyProviderHeaders: false);
        await WriteJsonAsync(attempt, error.Body);
        return AttemptResults.Delivered((int)response.StatusCode, 0, 0);
    }

    private static async Task<AttemptResult> RelayBodyAsync(ForwardAttempt attempt, HttpResponseMessage response, Stream body)
    {
        var status = (int)response.StatusCode;
        using var buffer = new ArrayPoolBufferWriter<byte>(16 * 1024);
        switch (await ResponseBodyReader.ReadAsync(body, attempt, buffer, MaxTranslatedBodyBytes + 1))
        {
            case BodyReadResult.Cut: return AttemptResults.Failed(attempt, ForwarderError.ResponseBodyCut);
            case BodyReadResult.TimedOut: return AttemptResults.Failed(attempt, ForwarderError.ResponseBodyTimedOut);
            case BodyReadResult.Canceled: return AttemptResults.CutAfterStart(attempt, StreamCopyResult.Canceled);
            case BodyReadResult.Full: return AttemptResults.TooLarge(status);
        }
        TranslatedResponse? translated;
        try
        {
            translated = attempt.Answer.TranslateBody(buffer.WrittenSpan, response.Headers);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return AttemptResults.Failed(attempt, ForwarderError.ResponseUntranslatable);
        }
        if (translated is null)
        {
            UsageReader.TryRead(buffer.WrittenSpan, out var prompt, out var completion);
            HeaderTransformer.CopyResponseHeaders(attempt, response, status);
            attempt.Context.Response.ContentLength = buffer.WrittenCount;
            await attempt.Context.Response.Body.WriteAsync(buffer.WrittenMemory, attempt.Aborted);
            return AttemptResults.Delivered(status, prompt, completion);
        }
        HeaderTransformer.CopyResponseHeaders(attempt, response, status, copyProviderHeaders: false);
        await WriteJsonAsync(attempt, translated.Body);
        return AttemptResults.Delivered(status, translated.PromptTokens, translated.CompletionTokens);
    }

    private static async Task<AttemptResult> RelayStreamAsync(ForwardAttempt attempt, HttpResponseMessage response, Stream body, IStreamTranslator translator)
    {
        var client = attempt.Context.Response;
        HeaderTransformer.CopyResponseHeaders(attempt, response, (int)response.StatusCode, copyProviderHeaders: false);
        client.ContentType = attempt.Answer.StreamContentType;
        client.Headers.CacheControl = "no-cache";
        attempt.Context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await client.StartAsync(attempt.Aborted);
        using var events = new ArrayPoolBufferWriter<byte>(4096);
        double? firstByteMs = null;
        async ValueTask SendAsync()
        {
            if (events.WrittenCount == 0) return;
            firstByteMs ??= attempt.ElapsedMs;
            await client.Body.WriteAsync(events.WrittenMemory, attempt.Aborted);
            await client.Body.FlushAsync(attempt.Aborted);
            events.Clear();
        }
        var copy = await StreamCopier.CopyAsync(body, attempt, chunk =>
        {
            translator.Feed(chunk.Span, events);
            return SendAsync();
        });
        // A cut stream is cut for the client too, or ends with the format's error event: the closing events are written only when the provider's ended.
        if (copy != StreamCopyResult.Success) return AttemptResults.CutAfterStart(attempt, copy, await TellBrokenOffAsync(attempt, copy));
        translator.Complete(events);
        await SendAsync();
        return AttemptResults.Delivered((int)response.StatusCode, translator.PromptTokens, translator.CompletionTokens, firstByteMs);
    }

    /// <summary>
    /// Ends a stream whose provider broke off or went silent with the client format's error event, when it has one.
    /// </summary>
    /// <returns>Whether the client was told; if not, its connection is to be aborted.</returns>
    private static async Task<bool> TellBrokenOffAsync(ForwardAttempt attempt, StreamCopyResult copy)
    {
        var route = attempt.Route.Name;
        var error = copy switch
        {
            StreamCopyResult.InputError => new GatewayError(502, OpenAIError.Upstream, $"the provider's stream for route '{route}' broke off before its end"),
            StreamCopyResult.InputTimedOut => new GatewayError(504, OpenAIError.Timeout, $"the provider's stream for route '{route}' was silent for longer than the read timeout"),
            _ => null,
        };
        if (error is null || attempt.Route.Errors.StreamEvent(error) is not { } streamEvent) return false;
        try
        {
            await attempt.Context.Response.Body.WriteAsync(streamEvent, attempt.Aborted);
            await attempt.Context.Response.Body.FlushAsync(attempt.Aborted);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task WriteJsonAsync(ForwardAttempt attempt, byte[] body)
    {
        attempt.Context.Response.ContentType = "application/json";
        attempt.Context.Response.ContentLength = body.Length;
        await attempt.Context.Response.Body.WriteAsync(body, attempt.Aborted);
    }
}
