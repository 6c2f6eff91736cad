using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Providers.RateLimits;
using Microsoft.Extensions.Options;

namespace Actors.Api.Forwarding;

/// <summary>
/// Step 7 (Forward) for one attempt: send the prepared request, then hand the response to the relay for its
/// answer (<see cref="PassThroughRelay"/> when it passes through, <see cref="TranslatingRelay"/> when the exchange translates it),
/// or, when it is a status the route fails over on, hold it back so another target can be tried.
/// Nothing is held back once a byte has reached the client.
/// </summary>
public sealed class UpstreamForwarder(UpstreamClients upstreams, IOptions<CooldownSettings> cooldowns, TimeProvider time, ILogger<UpstreamForwarder> logger)
{
    /// <summary>Largest error body kept from a failed attempt (to return it if every attempt fails).</summary>
    public const int MaxHeldBackBody = 64 * 1024;

    public async Task<AttemptResult> ForwardAsync(ForwardAttempt attempt)
    {
        var content = new RequestBodyContent(attempt.Request.Body, attempt.WriteTimeout, attempt.BodySent, attempt.Request.ContentType);
        using var request = new HttpRequestMessage(attempt.Method, attempt.Request.Url);
        // A GET or HEAD passed through by preserve has no body to send.
        if (!attempt.Request.Body.IsEmpty || attempt.Method == HttpMethod.Post) request.Content = content;
        else attempt.BodySent();
        HeaderTransformer.CopyRequestHeaders(attempt, request);
        if (attempt.Request.Sign is { } sign)
            foreach (var (name, value) in sign(request, attempt.Request.Body)) HeaderTransformer.Set(request, name, value);

        HttpResponseMessage response;
        try
        {
            response = await upstreams.For(attempt.Request.Url, attempt.Route.Spec.Balancer.ConnectTimeoutMs).SendAsync(request, attempt.Timeout);
        }
        catch (Exception ex) when (!attempt.Aborted.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or TimeoutException)
        {
            var error = SendFailure(ex, content);
            logger.LogWarning("Route {Route} target {Target}: upstream {Failure} ({Error}, request {Sent})", attempt.Route.Name, attempt.Target,
                error switch { ForwarderError.RequestTimedOut => "timed out", ForwarderError.InvalidResponse => "answered invalid HTTP", _ => "unreachable" },
                ex.GetType().Name, content.Started ? "sent" : "not sent");
            return AttemptResults.Failed(attempt, error, requestSent: content.Started);
        }

        using (response)
        {
            var result = await RelayAsync(attempt, response);
            // A rate-limited provider keeps the target out of every node's picks for the time it names.
            return ProviderCooldown.From((int)response.StatusCode, response.Headers, time, cooldowns.Value) is { } cooldown
                ? result with { Cooldown = cooldown }
                : result;
        }
    }

    /// <summary>The provider answered: hold a status the route fails over on back, else relay the answer as the exchange said.</summary>
    private async Task<AttemptResult> RelayAsync(ForwardAttempt attempt, HttpResponseMessage response)
    {
        var verdict = attempt.Route.Failover.Judge(FailoverPolicy.ForStatus(FailoverStatus(attempt, (int)response.StatusCode)),
            requestSent: true, FailoverPolicy.IsNonIdempotent(attempt.Method));
        if (verdict.FailsOver) return await HoldBackAsync(attempt, response);
        var result = attempt.Answer.Translates
            ? await TranslatingRelay.RelayAsync(attempt, response)
            : await PassThroughRelay.RelayAsync(attempt, response);
        if (result.Error is { } failure && failure != ForwarderError.ResponseTooLarge && !attempt.Aborted.IsCancellationRequested)
            logger.LogWarning("Route {Route} target {Target}: response {Failure}", attempt.Route.Name, attempt.Target, failure);
        // A listed status the request may not fail over on (a POST without non_idempotent) still counts against the target.
        return verdict.Unsuccessful && result.Healthy ? result with { Healthy = false } : result;
    }

    /// <summary>Why sending failed: a timeout, an answer that is not valid HTTP (nginx's <c>invalid_header</c>, headers too big included), or an error.</summary>
    private static ForwarderError SendFailure(Exception ex, RequestBodyContent content) => ex switch
    {
        _ when content.TimedOut || ex is OperationCanceledException or TimeoutException || ex.InnerException is TimeoutException => ForwarderError.RequestTimedOut,
        HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded } => ForwarderError.InvalidResponse,
        _ => ForwarderError.Request,
    };

    /// <summary>
    /// A translated provider's own status for a standard condition (Anthropic's 529 overloaded) fails over as the
    /// status the client would get for it (503) does, so its targets count exactly as an OpenAI target's would.
    /// </summary>
    private static int FailoverStatus(ForwardAttempt attempt, int status) => attempt.Answer.FailoverStatus(status);

    /// <summary>A failure status: keep its body (bounded; translated to OpenAI's shape when the driver translates).</summary>
    private static async Task<AttemptResult> HoldBackAsync(ForwardAttempt attempt, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        using var body = new ArrayPoolBufferWriter<byte>(4096);
        await using (var stream = await response.Content.ReadAsStreamAsync(attempt.Aborted))
        {
            // A cut or slow error body is still an error: what arrived is kept.
            await ResponseBodyReader.ReadAsync(stream, attempt, body, MaxHeldBackBody);
        }
        var heldBack = attempt.Answer.Translates
            ? TranslatingRelay.TranslateError(attempt, status, body.WrittenSpan)
            : new HeldBackError(status, body.WrittenSpan.ToArray(), response.Content.Headers.ContentType?.ToString());
        return AttemptResults.Failed(attempt, ForwarderError.FailoverStatus, FailoverStatus(attempt, status), heldBack);
    }
}
