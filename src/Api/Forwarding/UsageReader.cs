using System.Text.Json;

namespace Actors.Api.Forwarding;

/// <summary>
/// Reads token counts from a provider response's top-level <c>usage</c> object (a whole body or one SSE event), or
/// from the <c>response</c> object's (the Responses API's final <c>response.completed</c> event). Chat, completions
/// and embeddings count <c>prompt_tokens</c>/<c>completion_tokens</c>; the Responses API <c>input_tokens</c>/<c>output_tokens</c>.
/// </summary>
public static class UsageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out long promptTokens, out long completionTokens)
    {
        promptTokens = completionTokens = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && FindUsage(ref reader, nested: true, out promptTokens, out completionTokens);
        }
        catch (JsonException)
        {
            // A body that is not JSON has no usage; the response is still returned unchanged.
        }
        return false;
    }

    /// <summary>Reads a <c>usage</c> object itself (<c>{"prompt_tokens":..,"completion_tokens":..}</c>).</summary>
    public static bool TryReadObject(ReadOnlySpan<byte> usage, out long promptTokens, out long completionTokens)
    {
        promptTokens = completionTokens = 0;
        try
        {
            var reader = new Utf8JsonReader(usage, new JsonReaderOptions { MaxDepth = 64 });
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && ReadUsage(ref reader, out promptTokens, out completionTokens);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Within an object: its <c>usage</c> member, or (once, when <paramref name="nested"/>) its <c>response</c> object's.</summary>
    private static bool FindUsage(ref Utf8JsonReader reader, bool nested, out long promptTokens, out long completionTokens)
    {
        promptTokens = completionTokens = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            var isResponse = nested && reader.ValueTextEquals("response"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject) return ReadUsage(ref reader, out promptTokens, out completionTokens);
            if (isResponse && reader.TokenType == JsonTokenType.StartObject) return FindUsage(ref reader, nested: false, out promptTokens, out completionTokens);
            reader.Skip();
        }
        return false;
    }

    private static bool ReadUsage(ref Utf8JsonReader reader, out long prompt, out long completion)
    {
        prompt = completion = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number)
            {
                if (isPrompt) reader.TryGetInt64(out prompt);
                else if (isCompletion) reader.TryGetInt64(out completion);
            }
            else reader.Skip();
        }
        return true;
    }
}
