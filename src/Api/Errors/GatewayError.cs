namespace Actors.Api.Errors;

/// <summary>
/// An error the gateway answers itself, not a provider's: its status, OpenAI's type for it and the message. Every
/// such answer is one of these, written in the shape the client speaks (<see cref="IErrorShape"/>): OpenAI's unless
/// the route's <c>llm_format</c> names another.
/// </summary>
/// <param name="Type">OpenAI's error type (<see cref="OpenAIError"/>); other shapes type the error by its status.</param>
public sealed record GatewayError(int Status, string Type, string Message)
{
    /// <summary>What an admin API refusal lists (the config's problems); only OpenAI's shape carries it.</summary>
    public IReadOnlyList<string>? Problems { get; init; }

    /// <summary>Writes the error as the whole response, unless a response already started.</summary>
    /// <param name="shape">The client's shape; OpenAI's when null.</param>
    public async Task WriteAsync(HttpContext context, IErrorShape? shape = null)
    {
        var response = context.Response;
        if (response.HasStarted) return;
        shape ??= OpenAIErrorShape.Instance;
        var body = shape.Body(this);
        shape.AddHeaders(this, response.Headers);
        response.StatusCode = Status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
