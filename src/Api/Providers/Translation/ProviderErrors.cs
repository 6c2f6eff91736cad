using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>
/// A provider's native error as an OpenAI error: <c>{"error":{"message","type","code"}}</c>. The status stays the
/// provider's where OpenAI has the same meaning; statuses only one provider uses become the nearest standard one.
/// </summary>
public static class ProviderErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Server = "server_error";

    /// <summary>What a driver found in a native error body: the message, and the provider's own error code if any.</summary>
    public readonly record struct NativeError(string? Message, string? Code);

    public static TranslatedError Translate(string provider, int status, ReadOnlySpan<byte> body, Func<JsonElement, NativeError> read)
    {
        NativeError native = default;
        using (var document = Json.TryParse(body))
        {
            if (document is not null) native = read(document.RootElement);
        }
        var clientStatus = ClientStatus(status);
        var message = string.IsNullOrWhiteSpace(native.Message) ? $"{provider} answered with status {status}" : native.Message;
        return new TranslatedError(clientStatus, Body(message, TypeFor(clientStatus), native.Code));
    }

    /// <summary>
    /// For OpenAI-compatible providers: an OpenAI error (message and type) passes unchanged; a near miss such as Azure's
    /// <c>{"error":{"code":"401","message":...}}</c> or vLLM's <c>{"message":...}</c> gets OpenAI's shape.
    /// </summary>
    public static TranslatedError PassOrWrap(string provider, int status, ReadOnlySpan<byte> body)
    {
        using (var document = Json.TryParse(body))
        {
            var error = document is null ? default : Json.At(document.RootElement, "error");
            if (Json.String(error, "message") is not null && Json.String(error, "type") is not null)
                return new TranslatedError(ClientStatus(status), body.ToArray());
        }
        return Translate(provider, status, body, root =>
        {
            var error = Json.At(root, "error");
            var code = Json.At(error, "code");
            return new NativeError(Json.String(error, "message") ?? Json.String(root, "message") ?? Json.String(root, "error") ?? Json.String(root, "detail"),
                code.ValueKind is JsonValueKind.String or JsonValueKind.Number ? code.ToString() : null);
        });
    }

    public static byte[] Body(string message, string type, string? code) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        if (code is null) w.WriteNull("code");
        else w.WriteString("code", code);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// Anthropic's 529 (overloaded) is a 503; Cohere's 498 (invalid token) a 401; Bedrock's 424 (the model failed) a 502 and 408 (model timeout) a 504;
    /// any other unusual 5xx a 502. Everything else keeps its status.
    /// </summary>
    public static int ClientStatus(int status) => status switch
    {
        529 => 503,
        498 => 401,
        424 => 502,
        408 => 504,
        500 or 502 or 503 or 504 => status,
        > 500 => 502,
        < 400 => 502,
        _ => status,
    };

    public static string TypeFor(int status) => status switch
    {
        401 => Authentication,
        403 => Permission,
        404 => NotFound,
        429 => RateLimit,
        >= 500 => Server,
        _ => InvalidRequest,
    };
}
