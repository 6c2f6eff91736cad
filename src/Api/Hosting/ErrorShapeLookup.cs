using Actors.Api.Errors;
using Actors.Api.Routing;

namespace Actors.Api.Hosting;

/// <summary>
/// The error shape of a request refused outside the pipeline's steps (the node's overload, an unexpected failure):
/// that of the route its path matches on the proxy listener, as the pipeline's own refusals; OpenAI's for the admin
/// API and a path no route matches.
/// </summary>
public sealed class ErrorShapeLookup(RouteTableHolder routes, Listeners? listeners = null)
{
    public IErrorShape For(HttpContext context) =>
        listeners?.IsAdmin(context) == true
            ? OpenAIErrorShape.Instance
            : routes.Current.Match(context.Request.Path.Value ?? "/")?.Errors ?? OpenAIErrorShape.Instance;
}
