using System.Text.Json;

namespace Actors.Api.Proxy;

/// <summary>What the pipeline needs to know of a checked chat request.</summary>
/// <param name="Stream">The client asked for a stream (<c>"stream": true</c>).</param>
/// <param name="IncludeUsage">The client asked for a usage chunk at the end of the stream (<c>stream_options.include_usage</c>).</param>
/// <param name="Model">The request's <c>model</c>; null when absent or empty.</param>
public readonly record struct ChatRequestInfo(bool Stream, bool IncludeUsage, string? Model = null);

/// <summary>Step 4 (Check) of the pipeline (<see cref="ProxyHandler"/>): is the body an OpenAI chat request? Nothing is forwarded before.</summary>
public static class ChatRequestReader
{
    public const int MaxDepth = 64;

    // Duplicate keys make a request ambiguous (which "model" did the client mean?): reject them.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    /// <summary>
    /// Checks the body; on failure <paramref name="error"/> says what is wrong, for the client. The parsed document is
    /// only for checking: the rewrite works on the original bytes.
    /// </summary>
    public static bool IsValid(ReadOnlyMemory<byte> body, out string? error) => IsValid(body, out _, out error);

    /// <inheritdoc cref="IsValid(ReadOnlyMemory{byte}, out string?)"/>
    public static bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error) =>
        IsValid(body, Check, "a messages array", out info, out error);

    /// <summary>
    /// The checks every JSON request kind shares (UTF-8, JSON, no duplicate keys, nesting), then <paramref name="check"/>
    /// on the parsed object; <paramref name="expected"/> names what an empty body lacks.
    /// </summary>
    public static bool IsValid(ReadOnlyMemory<byte> body, Func<JsonElement, string?> check, string expected, out ChatRequestInfo info, out string? error)
    {
        info = default;
        using var document = TryParse(body, $"a JSON object with {expected}", out error);
        if (document is null) return false;
        error = document.RootElement.ValueKind == JsonValueKind.Object ? check(document.RootElement) : "the request body must be a JSON object";
        if (error is null) info = Describe(document.RootElement);
        return error is null;
    }

    /// <summary>
    /// The body as JSON under the rules every client format shares (valid UTF-8, no duplicate keys, nesting up to
    /// <see cref="MaxDepth"/>); null and why when it is not. <paramref name="expected"/> names what an empty body lacks.
    /// </summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, string expected, out string? error)
    {
        error = null;
        if (body.IsEmpty) { error = $"the request body is empty; expected {expected}"; return null; }
        // The JSON reader checks UTF-8 only where it decodes; a provider would choke on the rest.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span)) { error = "the request body is not valid UTF-8"; return null; }
        try
        {
            return JsonDocument.Parse(body, Options);
        }
        catch (JsonException ex)
        {
            error = $"the request body is not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')})";
            return null;
        }
    }

    private static string? Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return "the request body must be a JSON object";
        if (!root.TryGetProperty("messages", out var messages)) return "'messages' is required";
        if (messages.ValueKind != JsonValueKind.Array) return "'messages' must be an array";
        if (messages.GetArrayLength() == 0) return "'messages' must not be empty";
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object) return $"'messages[{i}]' must be an object";
            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                return $"'messages[{i}].role' must be a string";
            i++;
        }
        return CheckCommon(root)
            ?? CheckType(root, "temperature", JsonValueKind.Number, "a number")
            ?? CheckType(root, "top_p", JsonValueKind.Number, "a number")
            ?? CheckInteger(root, "max_tokens")
            ?? CheckInteger(root, "max_completion_tokens");
    }

    /// <summary>The fields every OpenAI request kind may carry: <c>model</c> and <c>stream</c>.</summary>
    public static string? CheckCommon(JsonElement root) =>
        CheckType(root, "model", JsonValueKind.String, "a string") ?? CheckText(root, "model") ?? CheckType(root, "stream", JsonValueKind.True, "a boolean");

    /// <summary>A string escaping a lone UTF-16 surrogate (<c>"\ud800"</c>) is valid JSON but no text: it cannot be read, nor sent on.</summary>
    private static string? CheckText(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String) return null;
        try
        {
            value.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"'{name}' is not valid text (it escapes a lone UTF-16 surrogate)";
        }
    }

    private static ChatRequestInfo Describe(JsonElement root) => new(
        root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
        root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var usage) && usage.ValueKind == JsonValueKind.True,
        root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } name ? name : null);

    public static string? CheckType(JsonElement root, string name, JsonValueKind kind, string expected)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var ok = kind == JsonValueKind.True ? value.ValueKind is JsonValueKind.True or JsonValueKind.False : value.ValueKind == kind;
        return ok ? null : $"'{name}' must be {expected}";
    }

    public static string? CheckInteger(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) ? null : $"'{name}' must be an integer";
    }

}
