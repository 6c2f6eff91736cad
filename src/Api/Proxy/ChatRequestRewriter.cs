using System.Buffers;
using System.Text.Json;
using Actors.Api.Routing;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 6 (Prepare) for OpenAI-compatible drivers (<see cref="RequestPreparer"/>): normalizes the request for the
/// picked target. The target's model name replaces the client's, its configured options win over the client's values
/// (as in current Kong), and a body credential is added. Every other top-level field is copied byte for byte: nothing
/// the client sent is decoded and re-encoded.
/// </summary>
public static class ChatRequestRewriter
{
    /// <param name="request">A body that <see cref="ChatRequestReader"/> accepted (a JSON object).</param>
    public static void Write(ReadOnlySpan<byte> request, ResolvedTarget target, IBufferWriter<byte> output)
    {
        output.Write("{"u8);
        output.Write(target.ModelPropertyUtf8);
        var reader = new Utf8JsonReader(request, new JsonReaderOptions { MaxDepth = ChatRequestReader.MaxDepth });
        reader.Read(); // the opening brace
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var overridden = target.Overrides(ref reader);
            reader.Read();
            reader.Skip(); // to the end of an object or array value; a no-op for scalars
            if (overridden) continue;
            output.Write(","u8);
            output.Write(request[start..(int)reader.BytesConsumed]);
        }
        output.Write(target.OverridesUtf8);
        output.Write("}"u8);
    }
}
