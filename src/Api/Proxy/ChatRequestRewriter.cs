using System.Buffers;
using System.Text.Json;
using Actors.Api.Routing;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 2: normalizes the request for the picked target. The target's model name replaces the client's, its
/// configured options win over the client's values (as in current Kong), and a body credential is added. Every
/// other field is copied through untouched.
/// </summary>
public static class ChatRequestRewriter
{
    public static void Write(JsonElement request, ResolvedTarget target, IBufferWriter<byte> output)
    {
        var options = target.Spec.Options;
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString("model"u8, target.ModelNameUtf8);
        foreach (var property in request.EnumerateObject())
        {
            if (IsOverridden(property, target)) continue;
            property.WriteTo(writer);
        }
        if (options.Temperature is { } temperature) writer.WriteNumber("temperature"u8, temperature);
        if (options.MaxTokens is { } maxTokens) writer.WriteNumber("max_tokens"u8, maxTokens);
        if (options.TopP is { } topP) writer.WriteNumber("top_p"u8, topP);
        if (target.AuthParamInBody && target.AuthParamName is { } name) writer.WriteString(name, target.AuthParamValue);
        writer.WriteEndObject();
    }

    private static bool IsOverridden(JsonProperty property, ResolvedTarget target)
    {
        var options = target.Spec.Options;
        return property.NameEquals("model"u8)
            || (options.Temperature is not null && property.NameEquals("temperature"u8))
            || (options.MaxTokens is not null && property.NameEquals("max_tokens"u8))
            || (options.TopP is not null && property.NameEquals("top_p"u8))
            || (target.AuthParamInBody && target.AuthParamName is { } name && property.NameEquals(name));
    }
}
