using Actors.Api.Errors;
using System.Text.Json;
using Actors.Api.Forwarding;
using Actors.Api.Providers.ClientFormats;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 9 (Answer): turns the pipeline's outcome into the client's status and error (<see cref="GatewayError"/>, in the
/// route's client format's shape). Refusals of step 2 are written where they are decided (<see cref="ClientAccess"/>,
/// and <see cref="Hosting.NodeAdmission"/> before the pipeline), in the same shape.
/// </summary>
public static class ProxyOutcomes
{
    /// <summary>The answer when every attempt failed, from the last one.</summary>
    public static ProxyAnswer ForAttempt(AttemptResult last, int target) => last.Error switch
    {
        ForwarderError.FailoverStatus => new ProxyAnswer(ProxyOutcome.ProviderError, HeldBack: last.HeldBack ?? new HeldBackError(last.Status, [], null)),
        ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyTimedOut => new ProxyAnswer(ProxyOutcome.ProviderTimedOut),
        ForwarderError.ResponseTooLarge => new ProxyAnswer(ProxyOutcome.ResponseTooLarge, Target: target),
        _ => new ProxyAnswer(ProxyOutcome.ProviderUnreachable),
    };

    /// <summary>The error an outcome answers: status, OpenAI error type and message.</summary>
    public static GatewayError Describe(ProxyAnswer answer, string? route) => answer.Outcome switch
    {
        ProxyOutcome.RouteNotFound => new(404, OpenAIError.NotFound, answer.Detail ?? "no Route matched with those values"),
        ProxyOutcome.MethodNotAllowed => new(405, OpenAIError.InvalidRequest, $"route '{route}' accepts only POST chat requests"),
        ProxyOutcome.BodyTooLarge => new(413, OpenAIError.InvalidRequest, $"the request body is larger than {answer.Detail} bytes"),
        ProxyOutcome.BodyTimedOut => new(408, OpenAIError.Timeout, $"the request body did not arrive within the gateway's request deadline ({answer.Detail})"),
        ProxyOutcome.InvalidRequest => new(400, OpenAIError.InvalidRequest, answer.Detail ?? "invalid chat request"),
        ProxyOutcome.RouteBusy => new(429, OpenAIError.RateLimit, $"route '{route}' has too many requests in flight on this node"),
        ProxyOutcome.ClusterUnavailable => new(503, OpenAIError.Unavailable, "the gateway cluster is unavailable; try again"),
        ProxyOutcome.NoTargetAvailable => new(503, OpenAIError.Unavailable, $"route '{route}' has no available target: every target's circuit is open"),
        ProxyOutcome.NoOtherTarget => new(503, OpenAIError.Unavailable, $"route '{route}' has no other available target"),
        ProxyOutcome.TargetsCooling => new(429, OpenAIError.RateLimit,
            $"every target of route '{route}' is rate-limited by its provider; try again in {RetryAfterSeconds(answer)} s"),
        ProxyOutcome.RouteReconfiguring => new(503, OpenAIError.Unavailable, $"route '{route}' is being reconfigured; try again"),
        ProxyOutcome.TargetMisconfigured => new(503, OpenAIError.Unavailable, $"target {answer.Target} of route '{route}' is misconfigured on this gateway node: {answer.Detail}"),
        ProxyOutcome.ProviderError => new(answer.HeldBack?.Status ?? 502, OpenAIError.Upstream, $"the provider answered HTTP {answer.HeldBack?.Status} on every attempt"),
        ProxyOutcome.ProviderUnreachable => new(502, OpenAIError.Upstream, $"the providers of route '{route}' could not be reached"),
        ProxyOutcome.ProviderTimedOut => new(504, OpenAIError.Timeout, $"the providers of route '{route}' did not answer within the timeout"),
        ProxyOutcome.ResponseTooLarge => new(502, OpenAIError.Upstream,
            $"target {answer.Target} of route '{route}' answered more than {TranslatingRelay.MaxTranslatedBodyBytes} bytes, the most the gateway translates"),
        ProxyOutcome.EmbeddingsFailed => new(502, OpenAIError.Upstream, $"route '{route}' could not choose a target: {answer.Detail}"),
        ProxyOutcome.EmbeddingsMisconfigured => new(503, OpenAIError.Unavailable, $"the embeddings model of route '{route}' is misconfigured on this gateway node: {answer.Detail}"),
        _ => throw new ArgumentOutOfRangeException(nameof(answer), answer.Outcome, null),
    };

    /// <param name="format">The route's client format when not OpenAI's: errors take its shape.</param>
    public static async Task WriteAsync(HttpContext context, string? route, ProxyAnswer answer, IClientFormat? format = null)
    {
        if (context.Response.HasStarted) return;
        var headers = context.Response.Headers;
        switch (answer.Outcome)
        {
            case ProxyOutcome.MethodNotAllowed: headers.Allow = "POST"; break;
            case ProxyOutcome.RouteBusy: headers.RetryAfter = "1"; break;
            case ProxyOutcome.TargetsCooling: headers.RetryAfter = RetryAfterSeconds(answer); break;
            case ProxyOutcome.ProviderError or ProxyOutcome.ProviderUnreachable or ProxyOutcome.ProviderTimedOut or ProxyOutcome.ResponseTooLarge:
                headers["X-Actors-Route"] = route;
                break;
        }
        // The provider's own error when it is in the client's shape already (a format's driver translated it): SDKs show its message.
        if (answer.HeldBack is { } error && (format is null ? IsOpenAIError(error.Body) : error.Body.Length > 0))
        {
            context.Response.StatusCode = error.Status;
            context.Response.ContentType = error.ContentType ?? "application/json";
            context.Response.ContentLength = error.Body.Length;
            await context.Response.Body.WriteAsync(error.Body, context.RequestAborted);
            return;
        }
        await Describe(answer, route).WriteAsync(context, format?.Errors);
    }

    /// <summary>Whole seconds, rounded up: a client that waits that long finds a target again.</summary>
    private static string RetryAfterSeconds(ProxyAnswer answer) =>
        Math.Max(1, (long)Math.Ceiling((answer.RetryAfter ?? TimeSpan.Zero).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsOpenAIError(byte[] body)
    {
        if (body.Length == 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
