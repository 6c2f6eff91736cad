namespace Actors.Api.Errors;

/// <summary>
/// How a client wire format shapes the gateway's own errors, so that client's SDK reads them as it reads its API's:
/// OpenAI's (<see cref="OpenAIErrorShape"/>), or a client format's (<c>IClientFormat.Errors</c>). Status stays.
/// </summary>
public interface IErrorShape
{
    /// <summary>The response body.</summary>
    byte[] Body(GatewayError error);

    /// <summary>Headers the shape carries part of the error in (AWS's <c>x-amzn-ErrorType</c>); most have none.</summary>
    void AddHeaders(GatewayError error, IHeaderDictionary headers) { }

    /// <summary>
    /// The event that ends a stream already under way with this error, as the format's API sends one (Anthropic's
    /// <c>error</c> event); null when the client's SDK reads none, and such a stream is cut instead.
    /// </summary>
    byte[]? StreamEvent(GatewayError error) => null;
}
