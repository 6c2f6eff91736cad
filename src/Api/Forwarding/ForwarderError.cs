namespace Actors.Api.Forwarding;

/// <summary>Every way one attempt at one target can fail, by name (as YARP's <c>ForwarderError</c>).</summary>
public enum ForwarderError
{
    /// <summary>Connection refused or reset, DNS or TLS failure, or the connection closed before the response headers.</summary>
    Request,
    /// <summary>The provider's response was not valid HTTP (status line or headers): nginx's <c>invalid_header</c>.</summary>
    InvalidResponse,
    /// <summary>Connect, write or read timeout before the response headers (or the request's deadline).</summary>
    RequestTimedOut,
    /// <summary>The provider answered a status the route fails over on (see <see cref="FailoverPolicy"/>); its body is held back.</summary>
    FailoverStatus,
    /// <summary>The response body broke off before any of it reached the client.</summary>
    ResponseBodyCut,
    /// <summary>A pause longer than <c>read_timeout</c> in the body before any of it reached the client.</summary>
    ResponseBodyTimedOut,
    /// <summary>The driver could not make sense of the provider's body.</summary>
    ResponseUntranslatable,
    /// <summary>A body the driver must translate whole is larger than <see cref="TranslatingRelay.MaxTranslatedBodyBytes"/>.</summary>
    ResponseTooLarge,
    /// <summary>The body broke off or stalled after bytes reached the client: the client's connection is aborted.</summary>
    ResponseCutAfterStart,
}

public static class ForwarderErrors
{
    /// <summary>The <c>failover_criteria</c> case an error falls under; <see cref="FailureCases.None"/> when no criterion covers it.</summary>
    public static FailureCases Case(this ForwarderError error, int status) => error switch
    {
        ForwarderError.Request or ForwarderError.ResponseBodyCut => FailureCases.Error,
        ForwarderError.InvalidResponse or ForwarderError.ResponseUntranslatable => FailureCases.InvalidHeader,
        ForwarderError.RequestTimedOut or ForwarderError.ResponseBodyTimedOut => FailureCases.Timeout,
        ForwarderError.FailoverStatus => FailoverPolicy.ForStatus(status),
        _ => FailureCases.None,
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
