using System.Text.Json;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// A target ready to forward to on this node: its upstream URL and credentials resolved from this node's
/// environment, and the bytes it writes into every request prepared once. Lives only in this process's memory;
/// never sent to a grain or written anywhere.
/// </summary>
public sealed class ResolvedTarget
{
    private readonly string[] _overriddenNames;

    private ResolvedTarget(int index, TargetSpec spec, IProviderDriver? driver, ProviderTarget provider,
        (Uri? Plain, Uri? Stream) upstream, string? authParamValue, string? problem)
    {
        Index = index;
        Spec = spec;
        Driver = driver;
        Provider = provider;
        Upstream = upstream.Plain;
        StreamUpstream = upstream.Stream;
        AuthHeaderValue = provider.AuthHeaderValue;
        Problem = problem;
        IndexHeader = index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var options = spec.Options;
        var names = new List<string> { "model" };
        var overrides = new List<byte>();
        void Override(string name, Action<Utf8JsonWriter> write)
        {
            names.Add(name);
            overrides.Add((byte)',');
            overrides.AddRange(JsonMember(write));
        }
        // Sampling options mean nothing to an embeddings request; the Responses API calls its limit max_output_tokens.
        var samples = spec.RouteType != RouteTypes.Embeddings;
        var maxTokensName = spec.RouteType == RouteTypes.Responses ? "max_output_tokens" : "max_tokens";
        if (samples && options.Temperature is { } temperature) Override("temperature", w => w.WriteNumber("temperature", temperature));
        if (samples && options.MaxTokens is { } maxTokens) Override(maxTokensName, w => w.WriteNumber(maxTokensName, maxTokens));
        if (samples && options.TopP is { } topP) Override("top_p", w => w.WriteNumber("top_p", topP));
        if (spec.Auth.ParamLocation == "body" && spec.Auth.ParamName is { } param)
            Override(param, w => w.WriteString(param, authParamValue));
        _overriddenNames = [.. names];
        OverridesUtf8 = [.. overrides];
        ModelPropertyUtf8 = JsonMember(w => w.WriteString("model", spec.ModelName));
    }

    public int Index { get; }
    public string IndexHeader { get; }
    public TargetSpec Spec { get; }
    public Uri? Upstream { get; }
    /// <summary>The endpoint for streamed answers (the same as <see cref="Upstream"/> unless the driver has its own).</summary>
    public Uri? StreamUpstream { get; }
    /// <summary>The target's provider driver; null only when the provider is unknown on this node (see <see cref="Problem"/>).</summary>
    public IProviderDriver? Driver { get; }
    /// <summary>What the driver knows of this target, credentials resolved from this node's environment.</summary>
    public ProviderTarget Provider { get; }
    public string? AuthHeaderName => Spec.Auth.HeaderName;
    public string? AuthHeaderValue { get; }

    /// <summary>Why this node cannot forward to the target (e.g. a variable unset here); null when it can.</summary>
    public string? Problem { get; }

    /// <summary><c>"model":"..."</c>, ready to write into a rewritten request.</summary>
    public byte[] ModelPropertyUtf8 { get; }

    /// <summary>The configured options and body credential as <c>,"name":value</c> members.</summary>
    public byte[] OverridesUtf8 { get; }

    /// <summary>Whether the property under the reader is replaced for this target (so the client's value is dropped).</summary>
    public bool Overrides(ref Utf8JsonReader reader)
    {
        foreach (var name in _overriddenNames)
            if (reader.ValueTextEquals(name)) return true;
        return false;
    }

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
        if (resolved.Problem is null && resolved.Upstream?.Scheme is "http" or "https") return resolved;
        // Never the URL itself: it may carry a credential in its query.
        error = $"target {Index}'s upstream is not valid with the values this request gave its templates";
        return null;
    }

    /// <param name="format">The route's client format when not OpenAI's: the provider's driver is wrapped for it.</param>
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
        string? Substitute(string? value) => env.Resolve(value);

        var configured = Substitute(spec.Options.UpstreamUrl);
        var provider = new ProviderTarget
        {
            Provider = spec.Provider, ModelName = spec.ModelName, RouteType = spec.RouteType,
            Temperature = spec.Options.Temperature, MaxTokens = spec.Options.MaxTokens, TopP = spec.Options.TopP, TopK = spec.Options.TopK,
            Options = spec.Options.ProviderOptions,
            AuthHeaderName = spec.Auth.HeaderName, AuthHeaderValue = Substitute(spec.Auth.HeaderValue),
            AuthParamName = spec.Auth.ParamName, AuthParamValue = Substitute(spec.Auth.ParamValue), AuthParamLocation = spec.Auth.ParamLocation,
            AwsAccessKeyId = Substitute(spec.Auth.AwsAccessKeyId), AwsSecretAccessKey = Substitute(spec.Auth.AwsSecretAccessKey),
        };
        var native = providers.Find(spec.Provider);
        var driver = format is null || native is null ? native : format.DriverFor(native);
        // Drivers are pure: both endpoints are resolved once here instead of on every attempt.
        var upstream = (Plain: WithQueryCredential(driver?.ResolveUrl(provider, configured, stream: false), spec.Auth, provider.AuthParamValue),
            Stream: WithQueryCredential(driver?.ResolveUrl(provider, configured, stream: true), spec.Auth, provider.AuthParamValue));
        var problem = env.Problem
            ?? (native is null ? $"provider '{spec.Provider}' has no driver on this gateway node"
            : driver is null ? $"provider '{spec.Provider}' cannot serve clients of llm_format '{format!.Name}'"
            : !driver.RouteTypes.Contains(spec.RouteType) ? $"provider '{spec.Provider}' does not serve route type '{spec.RouteType}' on this gateway node"
            : urlChecked && (upstream.Plain is null || upstream.Stream is null) ? "the target has no valid upstream URL on this gateway node" : null);
        return new ResolvedTarget(index, spec, driver, provider, upstream, provider.AuthParamValue, problem);
    }

    /// <summary>A query-string credential is baked into the URL once instead of per request.</summary>
    internal static Uri? WithQueryCredential(Uri? upstream, AuthSpec auth, string? value)
    {
        if (upstream is null || auth.ParamLocation != "query" || auth.ParamName is not { } name) return upstream;
        var builder = new UriBuilder(upstream);
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value ?? "");
        builder.Query = string.IsNullOrEmpty(builder.Query) ? pair : builder.Query.TrimStart('?') + "&" + pair;
        return builder.Uri;
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

    /// <summary>Never print credentials: the URL may carry one in its query.</summary>
    public override string ToString() => $"{Spec.QualifiedModel} (target {Index})";
}
