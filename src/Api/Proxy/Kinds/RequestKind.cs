using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// What a route's requests are, chosen by its targets' <c>route_type</c> (Kong's operation): which methods it takes
/// (step 1) and what a valid body is (step 4, Check). How a target's request is built from it is the target's
/// exchange's business (<see cref="Providers.Exchanges.TargetExchange"/>).
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
}

/// <summary><c>llm/v1/chat</c>: an OpenAI chat request.</summary>
internal sealed class ChatRequestKind : RequestKind
{
    public override bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error) =>
        ChatRequestReader.IsValid(body, out info, out error);
}
