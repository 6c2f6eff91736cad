using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers;

namespace Actors.Tests.Providers;

/// <summary>What tests need around a driver: its request as text, streams fed in pieces, and a forwarder's round trip.</summary>
public static class ProviderTestKit
{
    public static ProviderTarget Target(string provider, string model = "the-model", Dictionary<string, string>? options = null) =>
        new() { Provider = provider, ModelName = model, Options = options ?? [] };

    public static (JsonElement Body, ProviderRequest Request) Write(IProviderDriver driver, string openAIJson, ProviderTarget target)
    {
        var body = new ArrayBufferWriter<byte>();
        var request = driver.WriteRequest(Encoding.UTF8.GetBytes(openAIJson), target, body);
        return (JsonDocument.Parse(body.WrittenMemory).RootElement.Clone(), request);
    }

    public static string? Header(ProviderRequest request, string name) =>
        request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public static JsonElement Translate(IProviderDriver driver, string providerJson, ProviderTarget target)
    {
        var translated = driver.TranslateResponse(Encoding.UTF8.GetBytes(providerJson), target)
            ?? throw new InvalidOperationException("the driver passed the body through");
        return JsonDocument.Parse(translated.Body).RootElement.Clone();
    }

    public static (int Status, JsonElement Error) Error(IProviderDriver driver, int status, string body)
    {
        var error = driver.TranslateError(status, Encoding.UTF8.GetBytes(body));
        return (error.Status, JsonDocument.Parse(error.Body).RootElement.GetProperty("error").Clone());
    }

    /// <summary>Feeds <paramref name="stream"/> in pieces cut at <paramref name="cuts"/>, then completes.</summary>
    public static string Stream(IStreamTranslator translator, byte[] stream, params int[] cuts)
    {
        var output = new ArrayBufferWriter<byte>();
        var start = 0;
        foreach (var cut in cuts.Append(stream.Length))
        {
            translator.Feed(stream.AsSpan(start, cut - start), output);
            start = cut;
        }
        translator.Complete(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>
    /// Feeds the stream whole, then split once at every position and in single bytes: every way must give the same
    /// events (ids and timestamps aside). Returns the events of the whole feed.
    /// </summary>
    public static IReadOnlyList<JsonElement> StreamSplitEverywhere(Func<IStreamTranslator> create, byte[] stream)
    {
        var whole = Normalize(Stream(create(), stream));
        for (var cut = 1; cut < stream.Length; cut++)
            Assert.Equal(whole, Normalize(Stream(create(), stream, cut)));
        Assert.Equal(whole, Normalize(Stream(create(), stream, [.. Enumerable.Range(1, stream.Length - 1)])));
        return Events(Stream(create(), stream));
    }

    /// <summary>The JSON of each <c>data:</c> event; asserts the stream ends with <c>data: [DONE]</c>.</summary>
    public static IReadOnlyList<JsonElement> Events(string sse)
    {
        Assert.EndsWith("data: [DONE]\n\n", sse);
        return [.. sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e["data: ".Length..])
            .Where(d => d != "[DONE]")
            .Select(d => JsonDocument.Parse(d).RootElement.Clone())];
    }

    public static string Text(IEnumerable<JsonElement> chunks) => string.Concat(chunks
        .Where(c => c.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
        .Where(d => d.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        .Select(d => d.GetProperty("content").GetString()));

    public static string? FinishReason(IEnumerable<JsonElement> chunks) => chunks
        .Where(c => c.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("finish_reason"))
        .Where(f => f.ValueKind == JsonValueKind.String)
        .Select(f => f.GetString()).SingleOrDefault();

    public static JsonElement? Usage(IEnumerable<JsonElement> chunks) => chunks
        .Where(c => c.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        .Select(c => c.GetProperty("usage")).Cast<JsonElement?>().LastOrDefault();

    private static string Normalize(string sse) =>
        System.Text.RegularExpressions.Regex.Replace(sse, "\"(id|created)\":(\"[^\"]*\"|\\d+)", "\"$1\":0");

    /// <summary>The result of one request sent the way the forwarder sends it.</summary>
    public sealed record Exchange(int Status, string Body, string Url, HttpRequestMessage? Sent);

    /// <summary>
    /// Does what the forwarder does around a driver: resolves the URL, writes the native body, adds the target's auth
    /// header and the driver's headers, signs, sends, and translates the answer (stream, body or error) back.
    /// </summary>
    public static async Task<Exchange> SendAsync(IProviderDriver driver, ProviderTarget target, string? configuredUrl, string openAIJson)
    {
        using var parsed = JsonDocument.Parse(openAIJson);
        var stream = parsed.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
        var includeUsage = parsed.RootElement.TryGetProperty("stream_options", out var o) && o.GetProperty("include_usage").GetBoolean();
        var url = driver.ResolveUrl(target, configuredUrl, stream) ?? throw new InvalidOperationException("no URL");
        var body = new ArrayBufferWriter<byte>();
        var request = driver.WriteRequest(Encoding.UTF8.GetBytes(openAIJson), target, body);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body.WrittenSpan.ToArray()) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (target.AuthHeaderName is { } name) message.Headers.TryAddWithoutValidation(name, target.AuthHeaderValue);
        foreach (var (key, value) in request.Headers) message.Headers.TryAddWithoutValidation(key, value);
        if (request.Sign is { } sign)
            foreach (var (key, value) in sign(message, body.WrittenMemory)) message.Headers.TryAddWithoutValidation(key, value);

        using var client = new HttpClient();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var raw = await response.Content.ReadAsByteArrayAsync();
        if (status >= 400)
        {
            var error = driver.TranslateError(status, raw);
            return new Exchange(error.Status, Encoding.UTF8.GetString(error.Body), url.ToString(), message);
        }
        if (request.Stream && driver.CreateStreamTranslator(target, includeUsage) is { } translator)
            return new Exchange(status, Stream(translator, raw, [.. Enumerable.Range(1, raw.Length / 7).Select(i => i * 7)]), url.ToString(), message);
        var translated = request.Stream ? null : driver.TranslateResponse(raw, target);
        return new Exchange(status, translated is null ? Encoding.UTF8.GetString(raw) : Encoding.UTF8.GetString(translated.Body), url.ToString(), message);
    }
}
