namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// Kong's <c>preserve</c>: any method, and any body; the target's exchange sends it on as it came
/// (<see cref="Providers.Exchanges.PreserveExchange"/>).
/// </summary>
internal sealed class PreserveRequestKind : RequestKind
{
    /// <summary>The body is not read: whatever it asks, <c>response_streaming</c> cannot rewrite it.</summary>
    public override bool Streams => false;

    public override bool Accepts(string method) => true;

    /// <remarks>Nothing to check: the body is the provider's business.</remarks>
    public override bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error)
    {
        (info, error) = (default, null);
        return true;
    }
}
