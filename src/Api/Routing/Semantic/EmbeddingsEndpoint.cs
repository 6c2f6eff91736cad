using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing.Semantic;

/// <summary>
/// Kong's <c>config.embeddings</c> as this node calls it: an OpenAI-compatible <c>POST</c> of
/// <c>{"model":..., "input":...}</c> to <c>upstream_url</c> (or the provider's known endpoint), with the credential
/// resolved from this node's environment. Lives only in this process's memory, as <see cref="ResolvedTarget"/> does.
/// </summary>
public sealed class EmbeddingsEndpoint
{
    private EmbeddingsEndpoint(string model, Uri? url, string? headerName, string? headerValue, string? problem)
    {
        Model = model;
        Url = url;
        HeaderName = headerName;
        HeaderValue = headerValue;
        Problem = problem;
    }

    public string Model { get; }
    public Uri? Url { get; }
    public string? HeaderName { get; }
    public string? HeaderValue { get; }

    /// <summary>Why this node cannot call the embeddings model (a variable unset here, no valid URL); null when it can.</summary>
    public string? Problem { get; }

    public static EmbeddingsEndpoint Resolve(TargetSpec spec, Func<string, string?> environment)
    {
        var env = new EnvSubstitution(environment);
        var configured = env.Resolve(spec.Options.UpstreamUrl) ?? RouteSpec.DefaultEmbeddingsUrls.GetValueOrDefault(spec.Provider);
        var url = Uri.TryCreate(configured, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed : null;
        var headerValue = env.Resolve(spec.Auth.HeaderValue);
        url = ResolvedTarget.WithQueryCredential(url, spec.Auth, env.Resolve(spec.Auth.ParamValue));
        var problem = env.Problem ?? (url is null ? "the embeddings model has no valid upstream URL on this gateway node" : null);
        return new EmbeddingsEndpoint(spec.ModelName, url, spec.Auth.HeaderName, headerValue, problem);
    }
}
