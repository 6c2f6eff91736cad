using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats;
using Actors.Api.Providers.Exchanges;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// A target ready to forward to on this node: its credentials resolved from this node's environment and its exchange
/// with the provider (<see cref="TargetExchange"/>) built once. Lives only in this process's memory; never sent to a
/// grain or written anywhere.
/// </summary>
public sealed class ResolvedTarget
{
    private ResolvedTarget(int index, TargetSpec spec, ProviderTarget provider, TargetExchange? exchange, string? problem)
    {
        Index = index;
        Spec = spec;
        Provider = provider;
        Exchange = exchange;
        Problem = problem;
        IndexHeader = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Index { get; }
    public string IndexHeader { get; }
    public TargetSpec Spec { get; }

    /// <summary>What the provider's driver knows of this target, credentials resolved from this node's environment.</summary>
    public ProviderTarget Provider { get; }

    /// <summary>How this target's requests and answers are exchanged; null only when <see cref="Problem"/> says why.</summary>
    public TargetExchange? Exchange { get; }

    public string? AuthHeaderName => Spec.Auth.HeaderName;
    public string? AuthHeaderValue => Provider.AuthHeaderValue;

    /// <summary>Why this node cannot forward to the target (e.g. a variable unset here); null when it can.</summary>
    public string? Problem { get; }

    /// <summary>Resolves the target again for a spec filled in from one request; null when the target is the same for every request.</summary>
    private Func<TargetSpec, ResolvedTarget>? _resolveForRequest;

    /// <summary>Whether the model name or options depend on the request (Kong's templates, or an unset <c>model.name</c>).</summary>
    public bool DependsOnRequest => _resolveForRequest is not null;

    /// <summary>
    /// This target as one request makes it (see <see cref="RequestModel"/>): itself when nothing depends on the request.
    /// </summary>
    /// <returns>Null and the client's error when the request lacks a value the target needs.</returns>
    public ResolvedTarget? ForRequest(string? clientModel, Func<string, string, string?> lookup, out string? error)
    {
        error = null;
        if (_resolveForRequest is null) return this;
        if (RequestModel.Fill(Spec, clientModel, lookup, out error) is not { } filled) return null;
        var resolved = _resolveForRequest(filled);
        if (resolved.Problem is null && resolved.Exchange?.Url?.Scheme is "http" or "https") return resolved;
        // Never the URL itself: it may carry a credential in its query.
        error = $"target {Index}'s upstream is not valid with the values this request gave its templates";
        return null;
    }

    /// <param name="format">The route's client format when not OpenAI's: the target's exchange speaks it to the client.</param>
    public static ResolvedTarget Resolve(int index, TargetSpec spec, ProviderRegistry providers, Func<string, string?> environment,
        IClientFormat? format = null)
    {
        var perRequest = RequestModel.DependsOnRequest(spec);
        var target = ResolveSpec(index, spec, providers, environment, format, urlChecked: !perRequest);
        if (perRequest) target._resolveForRequest = filled => ResolveSpec(index, filled, providers, environment, format, urlChecked: true);
        return target;
    }

    /// <param name="urlChecked">False for a spec whose templates are not filled in yet: its URL is checked per request.</param>
    private static ResolvedTarget ResolveSpec(int index, TargetSpec spec, ProviderRegistry providers, Func<string, string?> environment,
        IClientFormat? format, bool urlChecked)
    {
        var env = new EnvSubstitution(environment);
        var provider = new ProviderTarget
        {
            Provider = spec.Provider, ModelName = spec.ModelName, RouteType = spec.RouteType,
            Temperature = spec.Options.Temperature, MaxTokens = spec.Options.MaxTokens, TopP = spec.Options.TopP, TopK = spec.Options.TopK,
            Options = spec.Options.ProviderOptions,
            AuthHeaderName = spec.Auth.HeaderName, AuthHeaderValue = env.Resolve(spec.Auth.HeaderValue),
            AuthParamName = spec.Auth.ParamName, AuthParamValue = env.Resolve(spec.Auth.ParamValue), AuthParamLocation = spec.Auth.ParamLocation,
            AwsAccessKeyId = env.Resolve(spec.Auth.AwsAccessKeyId), AwsSecretAccessKey = env.Resolve(spec.Auth.AwsSecretAccessKey),
        };
        var configuredUrl = env.Resolve(spec.Options.UpstreamUrl);
        var exchange = TargetExchanges.Create(providers.Find(spec.Provider), provider, configuredUrl, format, out var problem);
        problem = env.Problem ?? problem
            ?? (urlChecked && (exchange!.Url is null || exchange.StreamUrl is null) ? "the target has no valid upstream URL on this gateway node" : null);
        return new ResolvedTarget(index, spec, provider, exchange, problem);
    }

    /// <summary>Never print credentials: the URL may carry one in its query.</summary>
    public override string ToString() => $"{Spec.QualifiedModel} (target {Index})";
}
