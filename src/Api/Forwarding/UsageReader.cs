using System.Text.Json;

namespace Actors.Api.Forwarding;

/// <summary>Reads token counts from a provider response's top-level <c>usage</c> object (a whole body or one SSE event).</summary>
public static class UsageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out long promptTokens, out long completionTokens)
    {
        promptTokens = completionTokens = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isUsage && reader.TokenType == JsonTokenType.StartObject) return ReadUsage(ref reader, out promptTokens, out completionTokens);
                reader.Skip();
            }
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

    private static bool ReadUsage(ref Utf8JsonReader reader, out long prompt, out long completion)
    {
        prompt = completion = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
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
