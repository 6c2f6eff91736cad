using System.Security.Cryptography;
using System.Text.Json;
using static Actors.Grains.Interfaces.Configuration.SpecProblem;

namespace Actors.Grains.Interfaces.Configuration;

// The invariants the grains and the API nodes rely on, checked by the model itself. The decK parser reports the same
// problems with the same words (it shares Choices, SpecRanges and these methods), with line numbers added.

public sealed partial record GatewayConfig
{
    /// <summary>Every problem of this config, with paths as in the document <c>GET /config</c> writes; empty when valid.</summary>
    public IReadOnlyList<SpecProblem> Validate() =>
        Validate((s, r, route) => RoutePaths.InDocument(s, r, route), i => $"consumers[{i}].plugins[{KongPlugins.RateLimiting}].config");

    /// <summary>
    /// Every problem, with each route's paths given by <paramref name="locate"/> (service index, route index, route)
    /// and each consumer's rate-limiting config by <paramref name="locateRateLimit"/> (consumer index). A route
    /// <paramref name="locate"/> returns null for is left out of the per-route checks but still counts for uniqueness.
    /// </summary>
    public IReadOnlyList<SpecProblem> Validate(Func<int, int, RouteSpec, RoutePaths?> locate, Func<int, string> locateRateLimit)
    {
        var problems = new SpecProblems();
        for (var s = 0; s < Services.Count; s++)
        {
            for (var r = 0; r < Services[s].Routes.Count; r++)
            {
                var route = Services[s].Routes[r];
                if (locate(s, r, route) is { } at) route.Validate(at, problems);
            }
        }
        CheckRouteNamesAndPathsAreUnique(problems);
        ValidateConsumers(locateRateLimit, problems);
        return problems.Items;
    }

    private void CheckRouteNamesAndPathsAreUnique(SpecProblems problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var s = 0; s < Services.Count; s++)
        {
            foreach (var route in Services[s].Routes)
            {
                var at = $"services[{s}].routes";
                if (!names.Add(route.Name)) problems.Add(at, $"route name '{route.Name}' is used more than once");
                foreach (var p in route.Paths.Where(p => !paths.TryAdd(p, route.Name)))
                    problems.Add(at, $"path '{p}' of route '{route.Name}' is already used by route '{paths[p]}'");
            }
        }
    }

    private void ValidateConsumers(Func<int, string> locateRateLimit, SpecProblems problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Consumers.Count; i++)
        {
            var consumer = Consumers[i];
            var at = $"consumers[{i}]";
            if (consumer.Username.Length == 0) problems.Add($"{at}.username", Required);
            else if (!names.Add(consumer.Username)) problems.Add($"{at}.username", $"consumer '{consumer.Username}' is declared more than once");
            for (var k = 0; k < consumer.KeyDigests.Count; k++)
            {
                var digest = consumer.KeyDigests[k];
                var keysPath = $"{at}.keyauth_credentials";
                if (digest.Length != 64 || !digest.All(char.IsAsciiHexDigitLower)) problems.Add(keysPath, "must hold SHA-256 digests of keys, never keys");
                else if (!owners.TryAdd(digest, consumer.Username)) problems.Add(keysPath, $"the same key is already given to consumer '{owners[digest]}'");
            }
            consumer.RateLimit?.Validate(locateRateLimit(i), problems);
        }
        var guarded = Routes.FirstOrDefault(r => r.KeyAuth is not null);
        if (guarded is not null && owners.Count == 0) problems.Add("consumers", $"route '{guarded.Name}' uses key-auth but no consumer has a key");
    }
}

public sealed partial record RateLimitSpec
{
    /// <summary>The periods Kong's rate-limiting plugin counts in, shortest first, with their length in seconds.</summary>
    public static readonly IReadOnlyList<(string Name, int Seconds)> Periods = [("second", 1), ("minute", 60), ("hour", 3600), ("day", 86400)];

    public const string NoPeriodProblem = "needs one of second, minute, hour or day";

    public void Validate(string path, SpecProblems problems)
    {
        if (!Periods.Any(p => p.Seconds == PeriodSeconds)) problems.Add(path, NoPeriodProblem);
        else problems.Range(Limit, SpecRanges.PositiveInt, $"{path}.{Periods.First(p => p.Seconds == PeriodSeconds).Name}");
    }
}

public sealed partial record RouteSpec
{
    private static readonly JsonSerializerOptions RevisionJson = new();

    /// <summary>A short digest of everything in this spec but its revision: grain and API node compare it to know they mean the same targets.</summary>
    public string ComputeRevision()
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(this with { Revision = "" }, RevisionJson);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

    public RouteSpec WithRevision() => this with { Revision = ComputeRevision() };

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~');

    public void Validate(RoutePaths at, SpecProblems problems)
    {
        if (Name.Length == 0) problems.Add($"{at.Route}.name", Required);
        else if (!IsValidName(Name)) problems.Add($"{at.Route}.name", "may contain only letters, digits and . _ ~ -");
        ValidatePaths($"{at.Route}.paths", problems);
        if (Revision.Length == 0) problems.Add(at.Route, "has no revision (build the spec with WithRevision())");
        if (PluginScope is not (RouteScope or ServiceScope)) problems.Add(at.Route, $"plugin scope must be {RouteScope} or {ServiceScope}");
        if (KeyAuth is { } keyAuth && (keyAuth.KeyNames.Count == 0 || keyAuth.KeyNames.Any(string.IsNullOrEmpty)))
            problems.Add($"{at.Route}.plugins[{KongPlugins.KeyAuth}].config.key_names", "must list non-empty names");
        problems.Choice(ResponseStreaming, ResponseStreamingModes.Choices, $"{at.Config}.response_streaming");
        problems.Choice(LlmFormat, LlmFormats.Choices, $"{at.Config}.llm_format");
        problems.Range(MaxRequestBodySize, SpecRanges.NonNegativeInt, $"{at.Config}.max_request_body_size");
        Balancer.Validate($"{at.Config}.balancer", problems);
        ValidateTargets($"{at.Config}.targets", problems);
        ValidateSemantic(at.Config, problems);
    }

    /// <summary>Kong's description that marks the target taking prompts no other description is close enough to.</summary>
    public const string CatchAll = "CATCHALL";

    private void ValidateSemantic(string at, SpecProblems problems)
    {
        if (Embeddings is { } embeddings)
        {
            if (embeddings.ModelName.Length == 0) problems.Add($"{at}.embeddings.model.name", Required);
            embeddings.Options.Validate($"{at}.embeddings.model.options", problems);
            embeddings.Auth.Validate($"{at}.embeddings.auth", problems);
        }
        if (VectorDb is { } vectorDb)
        {
            problems.Choice(vectorDb.DistanceMetric, VectorDbSpec.Metrics, $"{at}.vectordb.distance_metric");
            problems.Range(vectorDb.Threshold, SpecRanges.NonNegative, $"{at}.vectordb.threshold");
        }
        if (Balancer.Algorithm != BalancerAlgorithms.Semantic) return;
        if (Embeddings is null) problems.Add($"{at}.embeddings", "required by the semantic algorithm (the model that embeds prompts and target descriptions)");
        for (var i = 0; i < Targets.Count; i++)
            if (string.IsNullOrWhiteSpace(Targets[i].Description))
                problems.Add($"{at}.targets[{i}].description", $"required by the semantic algorithm (what the target is for, or {CatchAll} for the fallback)");
    }

    private void ValidatePaths(string at, SpecProblems problems)
    {
        if (Paths.Count == 0) problems.Add(at, "must list at least one path");
        for (var i = 0; i < Paths.Count; i++)
        {
            if (RoutePathPattern.IsRegex(Paths[i])) problems.AddIf(RoutePathPattern.Problem(Paths[i]), $"{at}[{i}]");
            else if (!Paths[i].StartsWith('/')) problems.Add($"{at}[{i}]", "must start with /");
        }
    }

    private void ValidateTargets(string at, SpecProblems problems)
    {
        if (Targets.Count == 0) problems.Add(at, "must list at least one target");
        if (Targets.Count > RouteLimits.MaxTargets) problems.Add(at, $"may list at most {RouteLimits.MaxTargets} targets");
        for (var i = 0; i < Targets.Count; i++)
        {
            Targets[i].Validate($"{at}[{i}]", problems);
            problems.AddIf(LlmFormats.ProviderProblem(LlmFormat, Targets[i].Provider), $"{at}[{i}].model.provider");
        }
        // One route serves one API: its requests are checked and sent the same way whichever target is picked.
        for (var i = 1; i < Targets.Count; i++)
            if (Targets[i].RouteType != Targets[0].RouteType)
                problems.Add($"{at}[{i}].route_type", $"'{Targets[i].RouteType}' differs from targets[0]'s '{Targets[0].RouteType}'; the targets of one route must share a route type");
    }
}

public sealed partial record BalancerSpec
{
    public void Validate(string at, SpecProblems problems)
    {
        problems.Choice(Algorithm, BalancerAlgorithms.Choices, $"{at}.algorithm");
        problems.Range(Retries, SpecRanges.Retries, $"{at}.retries");
        problems.Ranges(SpecRanges.TimeoutMs, at, (ConnectTimeoutMs, "connect_timeout"), (ReadTimeoutMs, "read_timeout"), (WriteTimeoutMs, "write_timeout"));
        problems.Range(MaxFails, SpecRanges.MaxFails, $"{at}.max_fails");
        problems.Range(FailTimeoutMs, SpecRanges.TimeoutMs, $"{at}.fail_timeout");
        for (var i = 0; i < FailoverCriteria.Count; i++) problems.Choice(FailoverCriteria[i], FailoverCriterion.Choices, $"{at}.failover_criteria[{i}]");
        problems.Choice(LatencyStrategy, LatencyStrategies.Choices, $"{at}.latency_strategy");
        problems.Choice(TokensCountStrategy, TokensCountStrategies.Choices, $"{at}.tokens_count_strategy");
        problems.AddIf(HeaderNameProblem(HashOnHeader), $"{at}.hash_on_header");
        problems.Range(Slots, SpecRanges.Slots, $"{at}.slots");
    }

    /// <summary>Null when <paramref name="name"/> is an HTTP header name (an RFC 9110 token).</summary>
    public static string? HeaderNameProblem(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)) ? null : "must be an HTTP header name";
}

public sealed partial record TargetSpec
{
    public void Validate(string at, SpecProblems problems)
    {
        if (Provider.Length == 0) problems.Add($"{at}.model.provider", Required);
        else problems.AddIf(ProviderNames.Problem(Provider), $"{at}.model.provider");
        // An unset model.name means the request's model (Kong's normalize-request).
        problems.Choice(RouteType, RouteTypes.Choices, $"{at}.route_type");
        problems.Range(Weight, SpecRanges.Weight, $"{at}.weight");
        Options.Validate($"{at}.model.options", problems);
        Auth.Validate($"{at}.auth", problems);
    }
}

public sealed partial record ModelOptions
{
    public void Validate(string at, SpecProblems problems)
    {
        problems.Range(Temperature, SpecRanges.Temperature, $"{at}.temperature");
        problems.Range(MaxTokens, SpecRanges.MaxTokens, $"{at}.max_tokens");
        problems.Range(TopP, SpecRanges.TopP, $"{at}.top_p");
        problems.Range(TopK, SpecRanges.TopK, $"{at}.top_k");
        problems.Ranges(SpecRanges.Cost, at, (InputCost, "input_cost"), (OutputCost, "output_cost"));
        if (UpstreamUrl is { } url) problems.AddIf(EnvPlaceholders.SyntaxProblem(url) ?? UrlProblem(url), $"{at}.upstream_url");
    }

    /// <summary>Null when <paramref name="url"/> (placeholders resolved, or none) is an absolute http(s) URL.</summary>
    public static string? UrlProblem(string url)
    {
        // Checked once resolved, on the node that forwards; a template, once a request has filled it in.
        if (EnvPlaceholders.Contains(url) || ModelTemplate.Contains(url)) return null;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? null : "must be an absolute http or https URL";
    }
}

public sealed partial record AuthSpec
{
    /// <summary>The credential fields: each must be a <c>${{ env "DECK_..." }}</c> reference, never a literal.</summary>
    public IEnumerable<(string Field, string? Value)> Secrets() =>
    [
        ("header_value", HeaderValue), ("param_value", ParamValue), ("aws_access_key_id", AwsAccessKeyId),
        ("aws_secret_access_key", AwsSecretAccessKey), ("azure_client_secret", AzureClientSecret),
        ("gcp_service_account_json", GcpServiceAccountJson),
    ];

    public void Validate(string at, SpecProblems problems)
    {
        if ((HeaderName is null) != (HeaderValue is null)) problems.Add(at, "header_name and header_value must be given together");
        if ((ParamName is null) != (ParamValue is null)) problems.Add(at, "param_name and param_value must be given together");
        if (ParamName is not null && ParamLocation is null) problems.Add($"{at}.param_location", "required with param_name (query or body)");
        problems.Choice(ParamLocation, ParamLocations.Choices, $"{at}.param_location");
        foreach (var (field, value) in Secrets())
        {
            if (value is not null && !EnvPlaceholders.IsEnvReference(value))
                problems.Add($"{at}.{field}", EnvPlaceholders.SyntaxProblem(value) ?? EnvPlaceholders.LiteralCredentialProblem);
        }
    }
}
