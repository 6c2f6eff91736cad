using Actors.Api.Routing;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 4 (Check) of the pipeline (<see cref="ProxyHandler"/>): the body is a request of the route's kind in the route's
/// client format: OpenAI's (<see cref="Kinds.RequestKind"/>, e.g. <see cref="ChatRequestReader"/> for chat) unless the route's <c>llm_format</c> names another, whose
/// format also checks the endpoint under the route (Anthropic's <c>/v1/messages</c>, Gemini's <c>:generateContent</c>).
/// </summary>
public static class RequestCheck
{
    /// <returns>Null when the request may be forwarded; else the refusal.</returns>
    public static ProxyAnswer? Check(ResolvedRoute route, string path, ReadOnlyMemory<byte> body, out ChatRequestInfo info)
    {
        if (route.ClientFormat is not { } format)
            return route.Kind.IsValid(body, out info, out var error) ? null : new ProxyAnswer(ProxyOutcome.InvalidRequest, error);
        var check = format.Check(route.SubPath(path), body);
        // A format's translation always asks for usage internally; the client's own stream has no such option.
        info = new ChatRequestInfo(check.Stream, IncludeUsage: false, check.Model);
        if (check.Error is null) return null;
        return new ProxyAnswer(check.UnknownPath ? ProxyOutcome.RouteNotFound : ProxyOutcome.InvalidRequest, check.Error);
    }
}
