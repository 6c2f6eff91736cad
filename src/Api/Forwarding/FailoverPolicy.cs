using System.Globalization;

namespace Actors.Api.Forwarding;

/// <summary>The cases of nginx's <c>proxy_next_upstream</c>, as Kong's <c>balancer.failover_criteria</c> names them.</summary>
[Flags]
public enum FailureCases
{
    None = 0,
    /// <summary>Connecting, sending the request or reading the response header failed.</summary>
    Error = 1 << 0,
    /// <summary>Connecting, sending the request or reading the response header took longer than its timeout.</summary>
    Timeout = 1 << 1,
    /// <summary>The provider's answer could not be read: a malformed HTTP response, or a body its driver cannot translate.</summary>
    InvalidHeader = 1 << 2,
    Http403 = 1 << 3,
    Http404 = 1 << 4,
    Http429 = 1 << 5,
    Http500 = 1 << 6,
    Http502 = 1 << 7,
    Http503 = 1 << 8,
    Http504 = 1 << 9,
    /// <summary>Not a failure: lets the other cases apply to a POST that already reached the provider.</summary>
    NonIdempotent = 1 << 10,
}

/// <summary>What a failed attempt comes to under the route's <see cref="FailoverPolicy"/>.</summary>
/// <param name="FailsOver">Another target (or the same one again) may be tried for the request.</param>
/// <param name="Unsuccessful">The attempt counts against the target: circuit breaker (<c>max_fails</c>) and failure counters.</param>
public readonly record struct FailoverVerdict(bool FailsOver, bool Unsuccessful);

/// <summary>
/// A route's <c>balancer.failover_criteria</c>, which Kong takes from nginx's <c>proxy_next_upstream</c>:
/// <list type="bullet">
/// <item>A failure fails over only when its case is listed. A request with a non-idempotent method (POST, PATCH,
/// LOCK: every LLM call) that has already been sent fails over only when <c>non_idempotent</c> is listed too, so by
/// default (<c>[error, timeout]</c>) only failures before the request went out are retried: connection refused or
/// reset while connecting, a connect timeout, a TLS or DNS failure.</item>
/// <item>As Kong's <c>max_fails</c> says: <c>error</c>, <c>timeout</c> and <c>invalid_header</c> always count as
/// unsuccessful attempts, <c>http_403</c> and <c>http_404</c> never, the other statuses only when listed.</item>
/// </list>
/// Pure: decides from the case, whether the request was sent, and its method.
/// </summary>
public sealed class FailoverPolicy
{
    private const FailureCases AlwaysUnsuccessful = FailureCases.Error | FailureCases.Timeout | FailureCases.InvalidHeader;
    private const FailureCases NeverUnsuccessful = FailureCases.Http403 | FailureCases.Http404;

    public FailoverPolicy(IEnumerable<string> criteria)
    {
        foreach (var criterion in criteria) Criteria |= Parse(criterion);
    }

    public FailureCases Criteria { get; }

    /// <param name="failure">One case (not <see cref="FailureCases.NonIdempotent"/>); <see cref="FailureCases.None"/> for a failure no criterion covers.</param>
    /// <param name="requestSent">The request had started going out on an open connection (nginx's <c>request_sent</c>).</param>
    /// <param name="nonIdempotent">The request's method is not idempotent (<see cref="IsNonIdempotent"/>).</param>
    public FailoverVerdict Judge(FailureCases failure, bool requestSent, bool nonIdempotent = true)
    {
        if (failure == FailureCases.None) return default;
        var required = requestSent && nonIdempotent ? failure | FailureCases.NonIdempotent : failure;
        return new FailoverVerdict((Criteria & required) == required, IsUnsuccessful(failure));
    }

    private bool IsUnsuccessful(FailureCases failure) =>
        (failure & AlwaysUnsuccessful) != 0 || ((failure & ~NeverUnsuccessful & Criteria) != 0);

    /// <summary>nginx's non-idempotent methods: once sent, they are not sent again unless <c>non_idempotent</c> is listed.</summary>
    public static bool IsNonIdempotent(HttpMethod method) =>
        method == HttpMethod.Post || method == HttpMethod.Patch || method.Method == "LOCK";

    /// <summary>The case of a provider status; <see cref="FailureCases.None"/> for a status no criterion names.</summary>
    public static FailureCases ForStatus(int status) => status switch
    {
        403 => FailureCases.Http403,
        404 => FailureCases.Http404,
        429 => FailureCases.Http429,
        500 => FailureCases.Http500,
        502 => FailureCases.Http502,
        503 => FailureCases.Http503,
        504 => FailureCases.Http504,
        _ => FailureCases.None,
    };

    public static FailureCases Parse(string criterion) => criterion switch
    {
        "error" => FailureCases.Error,
        "timeout" => FailureCases.Timeout,
        "invalid_header" => FailureCases.InvalidHeader,
        "non_idempotent" => FailureCases.NonIdempotent,
        _ when criterion.StartsWith("http_", StringComparison.Ordinal) && int.TryParse(criterion.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var status) => ForStatus(status),
        _ => FailureCases.None,
    };
}
