using Actors.Api.Cluster;
using Actors.Api.Errors;
using Actors.Api.Proxy;

namespace Actors.Api.Hosting;

/// <summary>The last line of defence: an unexpected failure still answers in OpenAI's error shape, without internals.</summary>
public sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
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
            await OpenAIError.WriteAsync(context, ex.StatusCode, "bad request: " + ex.Message, OpenAIError.InvalidRequest);
        }
        catch (Exception ex) when (ClusterCalls.IsTransient(ex))
        {
            logger.LogWarning("{Path}: cluster unavailable: {Error}", context.Request.Path, ex.Message);
            await OpenAIError.WriteAsync(context, 503, "the gateway cluster is unavailable; try again", OpenAIError.Unavailable);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Unhandled error on {Path}", context.Request.Path);
            await OpenAIError.WriteAsync(context, 500, "internal gateway error", "api_error");
        }
    }
}
