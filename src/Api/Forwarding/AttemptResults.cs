namespace Actors.Api.Forwarding;

/// <summary>The results an attempt can come to, built in one place so health and failover follow the route's rules.</summary>
public static class AttemptResults
{
    public static AttemptResult Delivered(int status, long promptTokens, long completionTokens, double? firstByteMs = null) => new()
    {
        Delivered = true, Healthy = true, Status = status,
        PromptTokens = promptTokens, CompletionTokens = completionTokens, FirstByteMs = firstByteMs,
    };

    /// <summary>
    /// Nothing reached the client. Whether the request fails over, and whether the attempt counts against the target,
    /// is the route's <see cref="FailoverPolicy"/>'s call.
    /// </summary>
    /// <param name="requestSent">The request had started going out (false only for failures while connecting).</param>
    public static AttemptResult Failed(ForwardAttempt attempt, ForwarderError error, int? status = null, HeldBackError? heldBack = null, bool requestSent = true)
    {
        var providerStatus = status ?? (error.IsTimeout() ? 504 : 502);
        var verdict = attempt.Route.Failover.Judge(error.Case(providerStatus), requestSent, FailoverPolicy.IsNonIdempotent(attempt.Method));
        return new AttemptResult { Error = error, Status = providerStatus, FailsOver = verdict.FailsOver, Healthy = !verdict.Unsuccessful, HeldBack = heldBack };
    }

    /// <summary>A body too large to translate: the request ends with a 502, and the provider is not blamed.</summary>
    public static AttemptResult TooLarge(int status) => new() { Error = ForwarderError.ResponseTooLarge, Status = status, Healthy = true };

    /// <summary>Bytes already reached the client when the copy ended badly: the client's connection is aborted.</summary>
    /// <param name="clientTold">The stream ended with an error event the client reads (<see cref="Errors.IErrorShape.StreamEvent"/>): it ends, not aborted.</param>
    public static AttemptResult CutAfterStart(ForwardAttempt attempt, StreamCopyResult copy, bool clientTold = false)
    {
        if (!clientTold) attempt.Context.Abort();
        return new AttemptResult
        {
            // 499: nginx's and Kong's status for a client that closed the connection
            Delivered = true, Error = ForwarderError.ResponseCutAfterStart, Status = copy == StreamCopyResult.Canceled ? 499 : 502,
            // the client leaving is not the provider's fault
            Healthy = copy is StreamCopyResult.Canceled or StreamCopyResult.OutputError,
        };
    }
}
