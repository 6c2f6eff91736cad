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
    /// Nothing reached the client. The request fails over when the route lists the error's criterion; an error it
    /// does not list still counts as the provider having answered.
    /// </summary>
    public static AttemptResult Failed(ForwardAttempt attempt, ForwarderError error, int? status = null, HeldBackError? heldBack = null)
    {
        var providerStatus = status ?? (error.IsTimeout() ? 504 : 502);
        var failsOver = error.Criterion(providerStatus) is { } criterion && attempt.Route.FailsOverOn(criterion);
        return new AttemptResult { Error = error, Status = providerStatus, FailsOver = failsOver, Healthy = !failsOver, HeldBack = heldBack };
    }

    /// <summary>A body too large to translate: the request ends with a 502, and the provider is not blamed.</summary>
    public static AttemptResult TooLarge(int status) => new() { Error = ForwarderError.ResponseTooLarge, Status = status, Healthy = true };

    /// <summary>Bytes already reached the client when the copy ended badly: the client's connection is aborted.</summary>
    public static AttemptResult CutAfterStart(ForwardAttempt attempt, StreamCopyResult copy)
    {
        attempt.Context.Abort();
        return new AttemptResult
        {
            // 499: nginx's and Kong's status for a client that closed the connection
            Delivered = true, Error = ForwarderError.ResponseCutAfterStart, Status = copy == StreamCopyResult.Canceled ? 499 : 502,
            // the client leaving is not the provider's fault
            Healthy = copy is StreamCopyResult.Canceled or StreamCopyResult.OutputError,
        };
    }
}
