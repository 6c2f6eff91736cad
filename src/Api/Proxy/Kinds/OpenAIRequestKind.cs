using System.Text.Json;

namespace Actors.Api.Proxy.Kinds;

/// <summary>
/// An OpenAI API beside chat (<c>llm/v1/completions</c>, <c>llm/v1/embeddings</c>, <c>llm/v1/responses</c>): what a
/// valid request of each is. Providers that speak the API get it rewritten byte for byte
/// (<see cref="Providers.Exchanges.RewritingExchange"/>); embeddings for a provider with its own embeddings API are
/// translated (<see cref="Providers.Exchanges.EmbeddingsExchange"/>).
/// </summary>
internal sealed class OpenAIRequestKind(string expected, Func<JsonElement, string?> check, bool streams = true) : RequestKind
{
    public override bool Streams => streams;

    /// <summary>Legacy completions: <c>prompt</c> is a string, or an array of strings or of token arrays.</summary>
    public static OpenAIRequestKind Completions { get; } = new("a prompt", root => Required(root, "prompt")
        ?? ChatRequestReader.CheckInteger(root, "max_tokens") ?? ChatRequestReader.CheckType(root, "temperature", JsonValueKind.Number, "a number"));

    /// <summary>Embeddings: <c>input</c> is a string, or a non-empty array of strings or of token arrays.</summary>
    public static OpenAIRequestKind Embeddings { get; } = new("an input", root => Required(root, "input")
        ?? (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True ? "embeddings cannot be streamed" : null), streams: false);

    /// <summary>Responses: <c>input</c> is a string or an array of input items (objects).</summary>
    public static OpenAIRequestKind Responses { get; } = new("an input", root => Required(root, "input", itemsAreObjects: true)
        ?? ChatRequestReader.CheckInteger(root, "max_output_tokens"));

    public override bool IsValid(ReadOnlyMemory<byte> body, out ChatRequestInfo info, out string? error) =>
        ChatRequestReader.IsValid(body, root => ChatRequestReader.CheckCommon(root) ?? check(root), expected, out info, out error);

    /// <summary>A string, or a non-empty array of strings, token arrays (or, for <paramref name="itemsAreObjects"/>, items).</summary>
    private static string? Required(JsonElement root, string name, bool itemsAreObjects = false)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return $"'{name}' is required";
        if (value.ValueKind == JsonValueKind.String) return null;
        if (value.ValueKind != JsonValueKind.Array) return $"'{name}' must be a string or an array";
        if (value.GetArrayLength() == 0) return $"'{name}' must not be empty";
        var allowed = itemsAreObjects ? "objects" : "strings or arrays of token ids";
        foreach (var item in value.EnumerateArray())
        {
            var ok = itemsAreObjects
                ? item.ValueKind == JsonValueKind.Object
                : item.ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Number;
            if (!ok) return $"'{name}' must hold {allowed}";
        }
        return null;
    }
}
