namespace Actors.Api.Errors;

/// <summary>OpenAI's error types, as the gateway's own errors carry them (<see cref="GatewayError.Type"/>).</summary>
public static class OpenAIError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string NotFound = "not_found_error";
    public const string Unavailable = "service_unavailable_error";
    public const string Upstream = "upstream_error";
    public const string Timeout = "timeout_error";
    public const string Authentication = "authentication_error";
    public const string RateLimit = "rate_limit_error";
    public const string Internal = "api_error";
}
