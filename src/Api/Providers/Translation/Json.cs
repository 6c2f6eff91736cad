using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>Small readers and writer settings shared by every driver.</summary>
public static class Json
{
    // The bodies are JSON for machines, not HTML: keep non-ASCII text as UTF-8 rather than \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Utf8JsonWriter Writer(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>Writes one JSON document with <paramref name="write"/> and returns its bytes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = Writer(buffer)) write(writer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a provider body; null when it is not JSON.</summary>
    public static JsonDocument? TryParse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonDocument? TryParse(string text)
    {
        try { return JsonDocument.Parse(text); }
        catch (JsonException) { return null; }
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static double? Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : null;

    public static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>The element at a path of property names; <c>default</c> (Undefined) when any step is missing.</summary>
    public static JsonElement At(JsonElement element, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return default;
        }
        return element;
    }

    public static IEnumerable<JsonElement> Array(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : [];

    /// <summary>A tool call's argument text as a JSON object (what native APIs want); <c>{}</c> when it is not one.</summary>
    public static void WriteArgumentsObject(Utf8JsonWriter writer, string arguments)
    {
        using var parsed = TryParse(arguments);
        if (parsed?.RootElement.ValueKind == JsonValueKind.Object) parsed.RootElement.WriteTo(writer);
        else
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>Writes the optional members only when they have a value.</summary>
    public static void WriteIf(this Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v) writer.WriteNumber(name, v);
    }

    public static void WriteIf(this Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v) writer.WriteNumber(name, v);
    }

    public static void WriteIf(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    public static void WriteStrings(this Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return;
        writer.WriteStartArray(name);
        foreach (var value in values) writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    /// <summary><c>auth.param_location: body</c>: the credential travels as a top-level member of the native body.</summary>
    public static void WriteBodyCredential(this Utf8JsonWriter writer, ProviderTarget target)
    {
        if (target.AuthParamLocation == Grains.Interfaces.Configuration.ParamLocations.Body && target.AuthParamName is { } name) writer.WriteString(name, target.AuthParamValue);
    }
}
