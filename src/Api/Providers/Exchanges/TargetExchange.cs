using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Proxy;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// One target's exchange with its provider, built once with the route table (<see cref="TargetExchanges.Create"/>):
/// it writes the provider's request for each client request (body, endpoint, headers, signature) and says how the
/// answer comes back (<see cref="ProviderAnswer"/>). The transport (<see cref="UpstreamForwarder"/>) sends what it
/// prepared and relays the answer as it says; it never asks which provider it talks to.
/// </summary>
public abstract class TargetExchange(ProviderTarget target, TargetUrls urls)
{
    /// <summary>What the provider's driver knows of the target, credentials included.</summary>
    public ProviderTarget Target { get; } = target;

    /// <summary>The endpoint for answers that are not streamed; null when the target has no usable URL.</summary>
    public Uri? Url => urls.Plain;

    /// <summary>The endpoint for streamed answers (the same as <see cref="Url"/> unless the provider has its own).</summary>
    public Uri? StreamUrl => urls.Stream;

    /// <summary>Step 6 (Prepare): the provider's request for one client request, its body written into <paramref name="body"/>.</summary>
    /// <returns>Null when the provider cannot express the request (<paramref name="error"/> says why, for the client).</returns>
    public abstract PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error);

    /// <summary>The endpoint for one request (the exchange exists only when both are known).</summary>
    protected Uri UrlFor(bool stream) => (stream ? urls.Stream : urls.Plain)!;

    /// <summary>The client's words when the provider cannot take a request.</summary>
    protected string CannotSend(string why) => $"the request cannot be sent to provider '{Target.Provider}': {why}";
}

/// <summary>A target's two endpoints, any query credential already in them.</summary>
public readonly record struct TargetUrls(Uri? Plain, Uri? Stream);

/// <summary>One checked client request, as every attempt sends it.</summary>
/// <param name="Client">The client's HTTP request (<c>preserve</c> keeps its method, path and media type).</param>
/// <param name="Body">The body the checks accepted (the route's client format's, OpenAI's by default).</param>
/// <param name="Info">What the checks found in it.</param>
public readonly record struct ExchangeRequest(HttpRequest Client, ReadOnlyMemory<byte> Body, ChatRequestInfo Info);
