using System.Text;
using System.Text.Json;

namespace Actors.Api.Routing.Semantic;

/// <summary>
/// The text of a request that <c>semantic</c> compares with the targets' descriptions: the last user message (what
/// is being asked; a system prompt the same on every request would pull every prompt towards one target). For chat
/// (OpenAI, Anthropic and Bedrock <c>messages</c>, Gemini <c>contents</c>) and the Responses API's item list that is
/// the last item whose role is <c>user</c>; for a string or a list of strings (<c>prompt</c>, <c>input</c>) all of it.
/// </summary>
public static class PromptText
{
    /// <returns>The text, or null when the request carries none (then the <c>CATCHALL</c> targets serve it).</returns>
    public static string? Extract(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in (ReadOnlySpan<string>)["messages", "contents", "input", "prompt"])
                if (root.TryGetProperty(name, out var value)) return NonEmpty(FromValue(value));
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>A string; a list of strings (joined); or a list of messages, whose last user message counts.</summary>
    private static string? FromValue(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind != JsonValueKind.Array) return null;
        var items = value.EnumerateArray().ToArray();
        if (items.Any(i => i.ValueKind == JsonValueKind.Object))
            return items.LastOrDefault(IsUserMessage) is { ValueKind: JsonValueKind.Object } last ? MessageText(last) : null;
        return string.Join("\n", items.Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()));
    }

    private static bool IsUserMessage(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && (!item.TryGetProperty("role", out var role) || (role.ValueKind == JsonValueKind.String && role.ValueEquals("user")));

    /// <summary>A message's <c>content</c> (a string or parts) or Gemini's <c>parts</c>: the text parts joined.</summary>
    private static string? MessageText(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content) && !message.TryGetProperty("parts", out content)) return null;
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) return null;
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            var piece = part.ValueKind == JsonValueKind.String ? part.GetString()
                : part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (piece is null) continue;
            if (text.Length > 0) text.Append('\n');
            text.Append(piece);
        }
        return text.ToString();
    }
}
