using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// What a route's requests are, chosen by its targets' <c>route_type</c> (Kong's operation): which methods it takes
/// (step 1), what a valid body is (step 4, Check) and how a target's request is built from it (step 6, Prepare).
/// Paths below the route's prefix do not matter (<c>/route1/embeddings</c> and <c>/route1</c> are the same endpoint),
/// so an SDK whose base URL is the route works for the route's API.
/// </summary>
public abstract class RequestKind
{
    public static RequestKind Chat { get; } = new ChatRequestKind();

    private static readonly Dictionary<string, RequestKind> ByRouteType = new(StringComparer.Ordinal)
    {
        [RouteTypes.Chat] = Chat,
        [RouteTypes.Completions] = OpenAIRequestKind.Completions,
        [RouteTypes.Embeddings] = OpenAIRequestKind.Embeddings,
        [RouteTypes.Responses] = OpenAIRequestKind.Responses,
        [RouteTypes.Preserve] = new PreserveRequestKind(),
    };

    /// <summary>The kind of a route whose targets have <paramref name="routeType"/> (the config refuses others).</summary>
    public static RequestKind For(string routeType) => ByRouteType.GetValueOrDefault(routeType, Chat);

    /// <summary>Step 1: whether the route takes this HTTP method.</summary>
    public virtual bool Accepts(string method) => HttpMethods.IsPost(method);

    /// <summary>Whether its answer can be a stream the body asks for with <c>"stream": true</c> (what <c>response_streaming</c> governs).</summary>
    public virtual bool Streams => true;

    /// <summary>Step 4: whether the body is a request of this kind; <paramref name="error"/> says why not, for the client.</summary>
    public abstract bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error);

    /// <summary>Step 6: the request for <paramref name="target"/>, written into <paramref name="output"/>.</summary>
    /// <returns>Null when the target's driver cannot express it (<paramref name="error"/> says why, for the client).</returns>
    public abstract PreparedRequest? Prepare(HttpRequest client, ReadOnlySpan<byte> body, ChatRequestInfo info, ResolvedTarget target,
        ArrayPoolBufferWriter<byte> output, out string? error);
}

/// <summary><c>llm/v1/chat</c>: an OpenAI chat request, translated for every provider (<see cref="RequestPreparer"/>).</summary>
internal sealed class ChatRequestKind : RequestKind
{
    public override bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error) =>
        ChatRequestReader.IsValid(body, out info, out error);

    public override PreparedRequest? Prepare(HttpRequest client, ReadOnlySpan<byte> body, ChatRequestInfo info, ResolvedTarget target,
        ArrayPoolBufferWriter<byte> output, out string? error) =>
        RequestPreparer.Prepare(body, info, target, output, out error);
}
