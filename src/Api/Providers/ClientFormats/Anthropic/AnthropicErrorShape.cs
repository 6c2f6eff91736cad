using Actors.Api.Errors;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>
/// Anthropic's <c>{"type":"error","error":{"type":...,"message":...}}</c>, typed by status as Anthropic types its own
/// (docs.anthropic.com/en/api/errors); the same object is the data of a stream's <c>error</c> event.
/// </summary>
public sealed class AnthropicErrorShape : IErrorShape
{
    public static readonly AnthropicErrorShape Instance = new();

    private AnthropicErrorShape() { }

    public byte[] Body(GatewayError error) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", TypeFor(error.Status));
        w.WriteString("message", error.Message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary><c>event: error</c> with the error body as its data: how Anthropic's streams report an error after their 200.</summary>
    public byte[] StreamEvent(GatewayError error) => [.. "event: error\ndata: "u8, .. Body(error), .. "\n\n"u8];

    /// <summary>Anthropic's error type for a status; other 4xx are <c>invalid_request_error</c>, as Anthropic says it does.</summary>
    public static string TypeFor(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
