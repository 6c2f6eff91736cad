using System.Buffers;
using System.Text.Json;
using Actors.Api.Proxy;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// Rewrites an OpenAI request for one target whose provider speaks OpenAI's API: the target's model name replaces the
/// client's, its configured options win over the client's values (as in current Kong), and a body credential is added.
/// Every other top-level field is copied byte for byte: nothing the client sent is decoded and re-encoded. The bytes
/// the target writes into every request are made once, here.
/// </summary>
public sealed class OpenAIRequestRewriter
{
    private readonly string[] _overriddenNames;
    private readonly byte[] _model;
    private readonly byte[] _overrides;

    public OpenAIRequestRewriter(ProviderTarget target)
    {
        var names = new List<string> { "model" };
        var overrides = new List<byte>();
        void Override(string name, Action<Utf8JsonWriter> write)
        {
            names.Add(name);
            overrides.Add((byte)',');
            overrides.AddRange(JsonMember(write));
        }
        // Sampling options mean nothing to an embeddings request; the Responses API calls its limit max_output_tokens.
        var samples = target.RouteType != RouteTypes.Embeddings;
        // Reasoning models (o1, o3, gpt-5...) refuse max_tokens: theirs is max_completion_tokens.
        var maxTokensName = target.RouteType == RouteTypes.Responses ? "max_output_tokens" : OpenAICompatible.OpenAIModels.MaxTokensName(target.ModelName);
        if (samples && target.Temperature is { } temperature) Override("temperature", w => w.WriteNumber("temperature", temperature));
        if (samples && target.MaxTokens is { } maxTokens)
        {
            Override(maxTokensName, w => w.WriteNumber(maxTokensName, maxTokens));
            // The configured limit replaces the client's under either of chat's two names.
            if (target.RouteType == RouteTypes.Chat) names.Add(maxTokensName == "max_tokens" ? "max_completion_tokens" : "max_tokens");
        }
        if (samples && target.TopP is { } topP) Override("top_p", w => w.WriteNumber("top_p", topP));
        if (target.AuthParamLocation == ParamLocations.Body && target.AuthParamName is { } param)
            Override(param, w => w.WriteString(param, target.AuthParamValue));
        _overriddenNames = [.. names];
        _overrides = [.. overrides];
        _model = JsonMember(w => w.WriteString("model", target.ModelName));
    }

    /// <param name="request">A body the request checks accepted (a JSON object).</param>
    public void Write(ReadOnlySpan<byte> request, IBufferWriter<byte> output)
    {
        output.Write("{"u8);
        output.Write(_model);
        var reader = new Utf8JsonReader(request, new JsonReaderOptions { MaxDepth = ChatRequestReader.MaxDepth });
        reader.Read(); // the opening brace
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var overridden = Overrides(ref reader);
            reader.Read();
            reader.Skip(); // to the end of an object or array value; a no-op for scalars
            if (overridden) continue;
            output.Write(","u8);
            output.Write(request[start..(int)reader.BytesConsumed]);
        }
        output.Write(_overrides);
        output.Write("}"u8);
    }

    /// <summary>Whether the property under the reader is replaced for this target (so the client's value is dropped).</summary>
    private bool Overrides(ref Utf8JsonReader reader)
    {
        foreach (var name in _overriddenNames)
            if (reader.ValueTextEquals(name)) return true;
        return false;
    }

    /// <summary>One JSON member (<c>"name":value</c>) as UTF-8, written by <paramref name="write"/> inside an object.</summary>
    private static byte[] JsonMember(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        var obj = stream.ToArray();
        return obj[1..^1];
    }
}
