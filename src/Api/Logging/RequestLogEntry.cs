namespace Actors.Api.Logging;

/// <summary>
/// One proxied request's log line, as fields: formatted on the log writer's thread, not on the request's.
/// Never holds credentials; holds the bodies only for a target with <c>logging.log_payloads</c> (<see cref="PayloadCapture"/>).
/// </summary>
public readonly record struct RequestLogEntry(
    string RequestId,
    string Route,
    string Consumer,
    string Target,
    int Status,
    double LatencyMs,
    int Attempts,
    long PromptTokens,
    long CompletionTokens,
    string? RequestPayload = null,
    string? ResponsePayload = null);
