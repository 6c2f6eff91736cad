using Actors.Api.Cluster;
using Actors.Api.Errors;
using Actors.Api.Proxy;

namespace Actors.Api.Hosting;

/// <summary>
/// The last line of defence: an unexpected failure still answers an error in the client's shape (the route's, else
/// OpenAI's), without internals.
/// </summary>
/// <param name="shapes">Whose error shape the answer takes; OpenAI's when null.</param>
public sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger, ErrorShapeLookup? shapes = null)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
        catch (BadHttpRequestException ex)
        {
            await AnswerAsync(context, new GatewayError(ex.StatusCode, OpenAIError.InvalidRequest, "bad request: " + ex.Message));
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            logger.LogWarning("{Path}: cluster unavailable: {Error}", context.Request.Path, ex.Message);
            await AnswerAsync(context, new GatewayError(503, OpenAIError.Unavailable, "the gateway cluster is unavailable; try again"));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error on {Path}", context.Request.Path);
            await AnswerAsync(context, new GatewayError(500, OpenAIError.Internal, "internal gateway error"));
        }
    }

    private Task AnswerAsync(HttpContext context, GatewayError error) => error.WriteAsync(context, shapes?.For(context));
}
