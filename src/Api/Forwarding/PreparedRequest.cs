using Actors.Api.Providers.Exchanges;

namespace Actors.Api.Forwarding;

/// <summary>
/// The provider's request for one attempt, as the target's exchange prepared it (<see cref="TargetExchange.Prepare"/>):
/// the body (owned by the caller), the endpoint, whether the answer streams, and how the answer reaches the client.
/// </summary>
public sealed record PreparedRequest(ReadOnlyMemory<byte> Body, Uri Url, bool Stream, ProviderAnswer Answer)
{
    /// <summary>POST for every API; route type <c>preserve</c> keeps the client's.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>The body's media type when it is not JSON (<c>preserve</c> keeps the client's).</summary>
    public string? ContentType { get; init; }

    /// <summary>Headers the provider needs besides the target's credential (API versions, a driver's own auth); they win on the same name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// Set for providers that sign the whole request (Bedrock's SigV4): called with the final method, URL, headers and
    /// body just before sending, returns the headers to add.
    /// </summary>
    public Func<HttpRequestMessage, ReadOnlyMemory<byte>, IEnumerable<KeyValuePair<string, string>>>? Sign { get; init; }
}
