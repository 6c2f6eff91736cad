using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Forwarding;

/// <summary>Every way one attempt at one target can fail, by name (as YARP's <c>ForwarderError</c>).</summary>
public enum ForwarderError
{
    /// <summary>Connection refused or reset, DNS or protocol failure before the response headers.</summary>
    Request,
    /// <summary>Connect, write or read timeout before the response headers (or the request's deadline).</summary>
    RequestTimedOut,
    /// <summary>The provider answered a status the route fails over on (429, 5xx by default); its body is held back.</summary>
    FailoverStatus,
    /// <summary>The response body broke off before any of it reached the client.</summary>
    ResponseBodyCut,
    /// <summary>A pause longer than <c>read_timeout</c> in the body before any of it reached the client.</summary>
    ResponseBodyTimedOut,
    /// <summary>The driver could not make sense of the provider's body.</summary>
    ResponseUntranslatable,
    /// <summary>A body the driver must translate whole is larger than <see cref="ResponseTranslation.MaxTranslatedBodyBytes"/>.</summary>
    ResponseTooLarge,
    /// <summary>The body broke off or stalled after bytes reached the client: the client's connection is aborted.</summary>
    ResponseCutAfterStart,
}

public static class ForwarderErrors
{
    /// <summary>The <c>failover_criteria</c> entry an error falls under; null when no criterion covers it.</summary>
    public static string? Criterion(this ForwarderError error, int status) => error switch
    {
        ForwarderError.Request or ForwarderError.ResponseBodyCut or ForwarderError.ResponseUntranslatable => FailoverCriterion.Error,
        ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyTimedOut => FailoverCriterion.Timeout,
        ForwarderError.FailoverStatus => FailoverCriterion.ForStatus(status),
        _ => null,
    };

    /// <summary>The <c>reason</c> label of <c>actors_failovers_total</c>.</summary>
    public static string Reason(this ForwarderError error) => error switch
    {
        ForwarderError.FailoverStatus => "status",
        ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyTimedOut => "timeout",
        _ => "error",
    };

    public static bool IsTimeout(this ForwarderError error) =>
        error is ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyTimedOut;
}
