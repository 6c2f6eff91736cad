using System.Text.Encodings.Web;
using System.Text.Json;

namespace Actors.Api.Errors;

/// <summary>Errors in OpenAI's shape, <c>{"error":{"message":...,"type":...}}</c>, so SDKs show them to the user.</summary>
public static class OpenAIError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string NotFound = "not_found_error";
    public const string Unavailable = "service_unavailable_error";
    public const string Upstream = "upstream_error";
    public const string Timeout = "timeout_error";
    public const string Authentication = "authentication_error";
    public const string RateLimit = "rate_limit_error";

    // Messages quote route names and paths; keep them readable ('route1', not \u0027route1\u0027).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int status, string message, string type,
        IReadOnlyList<string>? problems = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        if (problems is not null)
        {
            writer.WriteStartArray("problems");
            foreach (var p in problems) writer.WriteStringValue(p);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
