namespace Actors.Api.Providers.Translation;

/// <summary>
/// The conversation as alternating turns, which Anthropic, Gemini and Bedrock require: tool results speak for the
/// user, consecutive messages of one side merge into one turn, and empty messages are dropped.
/// </summary>
public sealed record Turn(string Role, IReadOnlyList<ChatMessage> Messages)
{
    public const string User = "user", Assistant = "assistant";
}

public static class Turns
{
    public static IReadOnlyList<Turn> Merge(IEnumerable<ChatMessage> conversation)
    {
        var turns = new List<Turn>();
        foreach (var message in conversation)
        {
            if (!message.IsToolResult && message.ToolCalls.Count == 0 && !message.Parts.Any(p => p.ImageUrl is not null || p.Text is { Length: > 0 }))
                continue;
            var role = message.IsAssistant ? Turn.Assistant : Turn.User;
            if (turns.Count > 0 && turns[^1].Role == role) ((List<ChatMessage>)turns[^1].Messages).Add(message);
            else turns.Add(new Turn(role, new List<ChatMessage> { message }));
        }
        return turns;
    }

    /// <summary>
    /// Writes the turns as an array named <paramref name="arrayName"/> of <c>{"role":..., contentName:[...]}</c>, the
    /// shape Anthropic, Bedrock and Gemini share under different names; each message writes its own blocks.
    /// </summary>
    public static void Write(System.Text.Json.Utf8JsonWriter w, IEnumerable<ChatMessage> conversation, string arrayName, string contentName,
        Func<string, string> roleName, Action<System.Text.Json.Utf8JsonWriter, ChatMessage> writeMessage)
    {
        w.WriteStartArray(arrayName);
        foreach (var turn in Merge(conversation))
        {
            w.WriteStartObject();
            w.WriteString("role", roleName(turn.Role));
            w.WriteStartArray(contentName);
            foreach (var message in turn.Messages) writeMessage(w, message);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The function name of each tool call id, for APIs whose tool results name the function (Gemini).</summary>
    public static Dictionary<string, string> ToolNames(IEnumerable<ChatMessage> conversation)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var call in conversation.SelectMany(m => m.ToolCalls)) names.TryAdd(call.Id, call.Name);
        return names;
    }
}

/// <summary><c>data:image/png;base64,AAAA</c> → media type and base64 text.</summary>
public static class DataUrl
{
    public static bool TryParse(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return false;
        var comma = url.IndexOf(',');
        if (comma < 0) return false;
        var header = url[5..comma];
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)) return false;
        mediaType = header[..^7];
        data = url[(comma + 1)..];
        return mediaType.Length > 0;
    }

    /// <summary>
    /// For a provider that takes images inline only: every image must be a base64 <c>data:</c> URL. The gateway does
    /// not fetch URLs for a provider, and dropping the image would answer a different question.
    /// </summary>
    /// <exception cref="NotSupportedException">An image given by URL, named by its place in the request.</exception>
    public static void RequireInline(OpenAIChatRequest request, string provider)
    {
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var parts = request.Messages[i].Parts;
            for (var j = 0; j < parts.Count; j++)
                if (parts[j].ImageUrl is { } url && !TryParse(url, out _, out _))
                    throw new NotSupportedException(
                        $"'messages[{i}].content[{j}].image_url' must be a base64 data: URL: {provider} takes images inline, and the gateway does not fetch URLs");
        }
    }
}
