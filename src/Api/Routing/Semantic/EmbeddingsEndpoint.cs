using System.Buffers;
using System.Net.Http.Headers;
using Actors.Api.Providers;
using Actors.Api.Providers.Embeddings;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing.Semantic;

/// <summary>
/// Kong's <c>config.embeddings</c> as this node calls it: the provider's own embeddings API when its driver has one
/// (<see cref="IProviderDriver.Embeddings"/>: Gemini, Bedrock), else OpenAI's (<c>{"model","input"}</c>) at
/// <c>upstream_url</c> or the provider's embeddings endpoint (OpenAI, Azure, Mistral). The credential is resolved
/// from this node's environment and goes where the <c>auth</c> block puts it (header, query, body, SigV4). Lives only
/// in this process's memory, as <see cref="ResolvedTarget"/> does.
/// </summary>
public sealed class EmbeddingsEndpoint
{
    /// <summary>
    /// Providers asked for <c>vectordb.dimensions</c> as the vectors' length: Kong's OpenAI embeddings driver sends it,
    /// its Mistral one does not; Gemini's every model takes <c>outputDimensionality</c>. Bedrock's models differ
    /// (Titan v1 and Cohere v3 refuse a length, Titan v2 takes 256, 512 or 1024 only), so none is asked there.
    /// </summary>
    private static readonly HashSet<string> TakeDimensions = new(StringComparer.Ordinal) { ProviderNames.OpenAI, "azure", "gemini" };

    private readonly IEmbeddingsTranslation? _translation;
    private readonly int? _dimensions;

    private EmbeddingsEndpoint(ProviderTarget target, IEmbeddingsTranslation? translation, Uri? url, int? dimensions, string? problem)
    {
        (Target, _translation, Url, _dimensions, Problem) = (target, translation, url, dimensions, problem);
    }

    /// <summary>The embeddings model as a driver sees it (credentials resolved).</summary>
    public ProviderTarget Target { get; }
    public string Model => Target.ModelName;
    public Uri? Url { get; }
    public string? HeaderName => Target.AuthHeaderName;
    public string? HeaderValue => Target.AuthHeaderValue;

    /// <summary>Why this node cannot call the embeddings model (a variable unset here, no valid URL); null when it can.</summary>
    public string? Problem { get; }

    /// <summary>How many texts one call may carry.</summary>
    public int MaxInputs => _translation?.MaxInputs(Target) ?? int.MaxValue;

    /// <param name="dimensions"><c>vectordb.dimensions</c>: asked of the providers in <see cref="TakeDimensions"/>.</param>
    public static EmbeddingsEndpoint Resolve(TargetSpec spec, int? dimensions, ProviderRegistry providers, Func<string, string?> environment)
    {
        var env = new EnvSubstitution(environment);
        var target = EmbeddingsTarget(spec, env);
        var driver = providers.Find(spec.Provider) is { } found && found.RouteTypes.Contains(RouteTypes.Embeddings) ? found : null;
        var translation = driver?.Embeddings;
        var url = Providers.Exchanges.TargetExchanges.WithQueryCredential(
            driver?.ResolveUrl(target, env.Resolve(spec.Options.UpstreamUrl), stream: false) ?? Absolute(env.Resolve(spec.Options.UpstreamUrl)), target);
        var problem = env.Problem ?? (url is null ? "the embeddings model has no valid upstream URL on this gateway node" : null);
        var asked = TakeDimensions.Contains(spec.Provider) ? dimensions : null;
        return new EmbeddingsEndpoint(target, translation, url, asked, problem);
    }

    /// <summary>Writes the body for <paramref name="inputs"/>; returns what the provider's request needs besides (headers, signature).</summary>
    public ProviderRequest WriteRequest(IReadOnlyList<string> inputs, IBufferWriter<byte> body)
    {
        var request = new EmbeddingsRequest(inputs, _dimensions);
        if (_translation is not null) return _translation.WriteRequest(request, Target, body);
        OpenAIEmbeddings.WriteRequest(request, Target, body);
        return new ProviderRequest();
    }

    /// <summary>The vectors of a successful answer to <see cref="WriteRequest"/>.</summary>
    /// <exception cref="FormatException">The answer is not what the API promises.</exception>
    public IReadOnlyList<float[]> ReadVectors(ReadOnlySpan<byte> body, HttpResponseHeaders headers, int inputs) =>
        (_translation?.ReadAnswer(body, headers, Target, inputs) ?? OpenAIEmbeddings.ReadAnswer(body, inputs)).Vectors;

    /// <summary>
    /// The embeddings model as a target of route type embeddings. Kong nests its Azure options under <c>azure</c> here
    /// (<c>azure.instance</c>), where a target has them at the top (<c>azure_instance</c>): the driver reads the latter.
    /// </summary>
    private static ProviderTarget EmbeddingsTarget(TargetSpec spec, EnvSubstitution env) => new()
    {
        Provider = spec.Provider, ModelName = spec.ModelName, RouteType = RouteTypes.Embeddings,
        Options = spec.Options.ProviderOptions.ToDictionary(o => o.Key.StartsWith("azure.", StringComparison.Ordinal) ? "azure_" + o.Key[6..] : o.Key, o => o.Value),
        AuthHeaderName = spec.Auth.HeaderName, AuthHeaderValue = env.Resolve(spec.Auth.HeaderValue),
        AuthParamName = spec.Auth.ParamName, AuthParamValue = env.Resolve(spec.Auth.ParamValue), AuthParamLocation = spec.Auth.ParamLocation,
        AwsAccessKeyId = env.Resolve(spec.Auth.AwsAccessKeyId), AwsSecretAccessKey = env.Resolve(spec.Auth.AwsSecretAccessKey),
    };

    private static Uri? Absolute(string? url) => Providers.Translation.ProviderUrls.Absolute(url);
}
