using System.Text;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// A target ready to forward to on this node: its upstream URL and credentials resolved from this node's
/// environment. Lives only in this process's memory; never sent to a grain or written anywhere.
/// </summary>
public sealed class ResolvedTarget
{
    private ResolvedTarget(int index, TargetSpec spec)
    {
        Index = index;
        Spec = spec;
        IndexHeader = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ModelNameUtf8 = Encoding.UTF8.GetBytes(spec.ModelName);
    }

    public int Index { get; }
    public string IndexHeader { get; }
    public TargetSpec Spec { get; }
    public byte[] ModelNameUtf8 { get; }
    public Uri? Upstream { get; private init; }
    public string? AuthHeaderName { get; private init; }
    public string? AuthHeaderValue { get; private init; }
    public string? AuthParamName { get; private init; }
    public string? AuthParamValue { get; private init; }
    public bool AuthParamInBody { get; private init; }

    /// <summary>Why this node cannot forward to the target (e.g. a variable unset here); null when it can.</summary>
    public string? Problem { get; private init; }

    public static ResolvedTarget Resolve(int index, TargetSpec spec, ProviderRegistry providers, Func<string, string?> environment)
    {
        var missing = new List<string>();
        string? Resolve(string? value)
        {
            if (value is null) return null;
            var resolved = EnvPlaceholders.Resolve(value, environment, out var absent);
            missing.AddRange(absent);
            return resolved;
        }

        var url = Resolve(spec.Options.UpstreamUrl) ?? providers.Find(spec.Provider)?.DefaultUrl;
        var target = new ResolvedTarget(index, spec)
        {
            AuthHeaderName = spec.Auth.HeaderName,
            AuthHeaderValue = Resolve(spec.Auth.HeaderValue),
            AuthParamName = spec.Auth.ParamName,
            AuthParamValue = Resolve(spec.Auth.ParamValue),
            AuthParamInBody = spec.Auth.ParamLocation == "body",
            Upstream = url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null,
        };
        var problem = missing.Count > 0
            ? $"environment variable {string.Join(", ", missing.Distinct())} is not set on this gateway node"
            : target.Upstream is null ? "the target has no valid upstream URL on this gateway node" : null;
        if (problem is null && target.AuthParamName is not null && !target.AuthParamInBody)
            target = target.WithQueryParameter();
        return problem is null ? target : target.WithProblem(problem);
    }

    private ResolvedTarget WithProblem(string problem) => Copy(Upstream, problem);

    /// <summary>Bakes a query-string credential into the upstream URL once instead of per request.</summary>
    private ResolvedTarget WithQueryParameter()
    {
        var builder = new UriBuilder(Upstream!);
        var pair = Uri.EscapeDataString(AuthParamName!) + "=" + Uri.EscapeDataString(AuthParamValue ?? "");
        builder.Query = string.IsNullOrEmpty(builder.Query) ? pair : builder.Query.TrimStart('?') + "&" + pair;
        return Copy(builder.Uri, null);
    }

    private ResolvedTarget Copy(Uri? upstream, string? problem) => new(Index, Spec)
    {
        Upstream = upstream, AuthHeaderName = AuthHeaderName, AuthHeaderValue = AuthHeaderValue,
        AuthParamName = AuthParamName, AuthParamValue = AuthParamValue, AuthParamInBody = AuthParamInBody,
        Problem = problem,
    };

    /// <summary>Never print credentials: the URL may carry one in its query.</summary>
    public override string ToString() => $"{Spec.QualifiedModel} (target {Index})";
}
