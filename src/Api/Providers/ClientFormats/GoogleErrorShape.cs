using Actors.Api.Errors;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary><c>{"error":{"code":400,"message":...,"status":"INVALID_ARGUMENT"}}</c>, as Google's APIs answer (google.rpc.Status).</summary>
public sealed class GoogleErrorShape : IErrorShape
{
    public static readonly GoogleErrorShape Instance = new();

    private GoogleErrorShape() { }

    public byte[] Body(GatewayError error) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", error.Status);
        w.WriteString("message", error.Message);
        w.WriteString("status", StatusFor(error.Status));
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The canonical code Google's APIs pair with an HTTP status.</summary>
    public static string StatusFor(int status) => status switch
    {
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };
}
