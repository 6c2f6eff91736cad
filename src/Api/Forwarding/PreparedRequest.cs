using Actors.Api.Providers;

namespace Actors.Api.Forwarding;

/// <summary>
/// The provider's request for one attempt, as step 6 (Prepare) built it: the body (owned by the caller), the
/// endpoint, and what a translating driver adds. <see cref="Provider"/> is null for OpenAI-compatible drivers, whose
/// credentials come from the target's <c>auth</c> as configured.
/// </summary>
public sealed record PreparedRequest(ReadOnlyMemory<byte> Body, Uri Url, bool Stream, bool IncludeUsage, ProviderRequest? Provider)
{
    /// <summary>POST for every API; route type <c>preserve</c> keeps the client's.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>The body's media type when it is not JSON (<c>preserve</c> keeps the client's).</summary>
    public string? ContentType { get; init; }
}
