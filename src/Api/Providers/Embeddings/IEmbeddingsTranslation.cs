using System.Buffers;
using System.Net.Http.Headers;

namespace Actors.Api.Providers.Embeddings;

/// <summary>
/// A provider's native embeddings API, as Kong's drivers translate <c>llm/v1/embeddings</c>: OpenAI's request (the
/// texts and the dimensions asked for) → the provider's body, and the provider's answer → the vectors and the tokens it
/// counted. The endpoint comes from the driver's <see cref="IProviderDriver.ResolveUrl"/> for route type embeddings,
/// errors from its <see cref="IProviderDriver.TranslateError"/>. Used by an embeddings route and by <c>semantic</c>'s
/// <c>config.embeddings</c> alike.
/// </summary>
public interface IEmbeddingsTranslation
{
    /// <summary>How many texts one call may carry (Amazon Titan: one).</summary>
    int MaxInputs(ProviderTarget target);

    /// <summary>Writes the provider's body for <paramref name="request"/>; returns the headers (or signature) it needs.</summary>
    /// <exception cref="NotSupportedException">The provider cannot express the request (the message says why, for the client).</exception>
    ProviderRequest WriteRequest(EmbeddingsRequest request, ProviderTarget target, IBufferWriter<byte> body);

    /// <summary>A successful answer → one vector per text, in the request's order, and the input tokens counted.</summary>
    /// <param name="headers">The answer's headers (Bedrock counts tokens in one).</param>
    /// <exception cref="FormatException">The answer does not hold <paramref name="inputs"/> vectors.</exception>
    EmbeddingsAnswer ReadAnswer(ReadOnlySpan<byte> body, HttpResponseHeaders? headers, ProviderTarget target, int inputs);
}

/// <summary>What every embeddings API understands: texts, and optionally the vectors' length.</summary>
public sealed record EmbeddingsRequest(IReadOnlyList<string> Inputs, int? Dimensions = null);

/// <summary>The vectors, one per input in order, and the input tokens the provider counted (0 when it reports none).</summary>
public sealed record EmbeddingsAnswer(IReadOnlyList<float[]> Vectors, long PromptTokens);
