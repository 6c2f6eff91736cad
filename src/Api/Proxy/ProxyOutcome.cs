using Actors.Api.Forwarding;

namespace Actors.Api.Proxy;

/// <summary>Every answer the gateway gives a proxied request itself, instead of a provider's response.</summary>
public enum ProxyOutcome
{
    RouteNotFound,
    MethodNotAllowed,
    /// <summary>The body is larger than the route's limit (<c>max_request_body_size</c>, at most <c>Gateway:MaxRequestBodyBytes</c>).</summary>
    BodyTooLarge,
    /// <summary>The body did not arrive within <c>Gateway:RequestDeadline</c>.</summary>
    BodyTimedOut,
    /// <summary>Not an OpenAI chat request, one the route refuses (<c>response_streaming: deny</c>), one lacking a value the target's model needs, or one the target's driver cannot translate.</summary>
    InvalidRequest,
    /// <summary>The route's cap on requests in flight on this node (<c>Gateway:MaxConcurrentRequestsPerRoute</c>).</summary>
    RouteBusy,
    ClusterUnavailable,
    /// <summary>Every target's circuit is open.</summary>
    NoTargetAvailable,
    /// <summary>Every eligible target already failed for this request.</summary>
    NoOtherTarget,
    /// <summary>Every target's provider asked for a pause (rate-limited): 429 with the earliest end as <c>Retry-After</c>.</summary>
    TargetsCooling,
    RouteReconfiguring,
    /// <summary>This node cannot forward to the picked target (e.g. a variable unset here).</summary>
    TargetMisconfigured,
    /// <summary>Every attempt got a status the route fails over on: the last provider error.</summary>
    ProviderError,
    ProviderUnreachable,
    ProviderTimedOut,
    /// <summary>A body too large for its driver to translate.</summary>
    ResponseTooLarge,
    /// <summary><c>semantic</c>: the embeddings model failed, so no target could be chosen.</summary>
    EmbeddingsFailed,
    /// <summary><c>semantic</c>: this node cannot call the embeddings model (e.g. a variable unset here).</summary>
    EmbeddingsMisconfigured,
}

/// <param name="Detail">What the message needs beyond the route's name (the reader's complaint, a limit, a target).</param>
/// <param name="HeldBack">For <see cref="ProxyOutcome.ProviderError"/>: the last provider error.</param>
/// <param name="Target">The index of the target the outcome is about, when there is one.</param>
/// <param name="RetryAfter">For <see cref="ProxyOutcome.TargetsCooling"/>: when the route can be served again.</param>
public sealed record ProxyAnswer(ProxyOutcome Outcome, string? Detail = null, HeldBackError? HeldBack = null, int? Target = null, TimeSpan? RetryAfter = null);
