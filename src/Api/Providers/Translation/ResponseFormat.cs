using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>
/// OpenAI's <c>response_format</c> as a translated provider needs it: plain text (nothing to send), any JSON object
/// (<c>json_object</c>), or JSON following a schema (<c>json_schema.schema</c>, kept as raw JSON for the provider).
/// </summary>
public sealed record ResponseFormat(bool Json, string? SchemaJson)
{
    /// <summary>The request's <c>response_format</c>; null when it asks for none, or for text.</summary>
    /// <exception cref="NotSupportedException">A type OpenAI does not have, or a <c>json_schema</c> without its schema.</exception>
    public static ResponseFormat? Of(OpenAIChatRequest request)
    {
        if (!request.OtherFields.TryGetValue("response_format", out var raw)) return null;
        using var document = JsonDocument.Parse(raw);
        var root = document.RootElement;
        switch (Translation.Json.String(root, "type"))
        {
            case "text": return null;
            case "json_object": return new ResponseFormat(true, null);
            case "json_schema":
                return Translation.Json.At(Translation.Json.At(root, "json_schema"), "schema") is { ValueKind: JsonValueKind.Object } schema
                    ? new ResponseFormat(true, schema.GetRawText())
                    : throw new NotSupportedException("'response_format.json_schema.schema' must be a JSON schema object");
            case var other:
                throw new NotSupportedException($"'response_format.type' must be text, json_object or json_schema, not '{other}'");
        }
    }
}
