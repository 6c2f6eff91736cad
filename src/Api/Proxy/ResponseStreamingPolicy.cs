using System.Buffers;
using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Proxy;

/// <summary>The request as the route's <c>response_streaming</c> lets it through: unchanged, refused, or made to stream.</summary>
/// <param name="Rewritten">The body written with <c>"stream":true</c> when the route forced streaming; the caller disposes it.</param>
public readonly record struct StreamingDecision(ReadOnlyMemory<byte> Body, ChatRequestInfo Info, string? Refusal, ArrayPoolBufferWriter<byte>? Rewritten);

/// <summary>
/// Part of step 4 (Check): Kong's <c>config.response_streaming</c>, as its <c>normalize-request</c> filter applies it.
/// <c>allow</c> streams when the client asks; <c>deny</c> refuses a request asking for a stream (400, Kong's words);
/// <c>always</c> sets <c>"stream": true</c> on a request that did not ask, so the client gets server-sent events.
/// </summary>
public static class ResponseStreamingPolicy
{
    public const string Denied = "response streaming is not enabled for this LLM";

    /// <param name="canRewrite">False for a native client format (Gemini, Bedrock, Anthropic), whose stream is chosen by
    /// its endpoint or its own body: <c>always</c> then leaves the request as the client sent it.</param>
    public static StreamingDecision Apply(string mode, ReadOnlyMemory<byte> body, ChatRequestInfo info, bool canRewrite = true)
    {
        if (info.Stream && mode == ResponseStreamingModes.Deny) return new StreamingDecision(body, info, Denied, null);
        if (info.Stream || mode != ResponseStreamingModes.Always || !canRewrite) return new StreamingDecision(body, info, null, null);
        var rewritten = new ArrayPoolBufferWriter<byte>(body.Length + 16);
        WriteStreaming(body.Span, rewritten);
        return new StreamingDecision(rewritten.WrittenMemory, info with { Stream = true }, null, rewritten);
    }

    /// <summary>The request's members byte for byte, its own <c>stream</c> left out, then <c>"stream":true</c>.</summary>
    /// <param name="request">A body that <see cref="ChatRequestReader"/> accepted (a JSON object).</param>
    public static void WriteStreaming(ReadOnlySpan<byte> request, IBufferWriter<byte> output)
    {
        output.Write("{"u8);
        var reader = new Utf8JsonReader(request, new JsonReaderOptions { MaxDepth = ChatRequestReader.MaxDepth });
        reader.Read(); // the opening brace
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var isStream = reader.ValueTextEquals("stream"u8);
            reader.Read();
            reader.Skip();
            if (isStream) continue;
            output.Write(request[start..(int)reader.BytesConsumed]);
            output.Write(","u8);
        }
        output.Write("\"stream\":true}"u8);
    }
}
