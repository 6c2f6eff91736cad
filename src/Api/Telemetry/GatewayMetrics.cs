using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Actors.Api.Forwarding;
using Actors.Api.Routing;

namespace Actors.Api.Telemetry;

/// <summary>
/// The gateway's meters, exported as Prometheus text at <c>/metrics</c> on the admin listener. Kong's AI series keep
/// Kong's names and exactly Kong's labels (<see cref="KongLabels"/>), so dashboards built for Kong's exporter work
/// unchanged; what only we have (per route, per status, failovers, local picks) has series of our own, <c>actors_*</c>.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Actors.Gateway";

    /// <summary>Kong labels no gateway-side cache fills (no ai-semantic-cache here): present and empty, as in Kong without one.</summary>
    private const string NoCache = "";
    /// <summary>Kong Gateway OSS has one workspace, named <c>default</c>.</summary>
    private const string Workspace = "default";

    private readonly Meter _meter = new(MeterName);

    /// <summary>For instruments registered elsewhere (observable gauges).</summary>
    public Meter Meter => _meter;
    private readonly GatewaySeries _series;
    private readonly ConditionalWeakTable<ResolvedTarget, TargetSeries> _byTarget = new();
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _localPicks;
    private readonly Counter<long> _cooldowns;

    public GatewayMetrics()
    {
        _series = new GatewaySeries(
            Requests: new CounterCells(_meter, "ai_llm_requests", "AI requests sent to LLM providers (Kong's series; one per provider call)"),
            Tokens: new CounterCells(_meter, "ai_llm_tokens", "AI tokens counted by LLM providers (Kong's series; token_type prompt_tokens, completion_tokens, total_tokens)"),
            Cost: new CounterCells(_meter, "ai_llm_cost", "AI cost from the target's input_cost and output_cost per million tokens (Kong's series)", fractional: true),
            Attempts: new CounterCells(_meter, "actors_attempts", "Provider calls by route, target and status"),
            RouteTokens: new CounterCells(_meter, "actors_tokens", "Tokens by route, target and token_type (prompt, completion)"));
        _latency = _meter.CreateHistogram<double>("ai_llm_provider_latency_ms", description: "Time taken by LLM providers to return a response (Kong's series)");
        _timeToFirstToken = _meter.CreateHistogram<double>("actors_time_to_first_token_ms", description: "Time to the first streamed byte, by route and target");
        _failovers = _meter.CreateCounter<long>("actors_failovers", description: "Attempts that failed in a way the route fails over on (another target is tried unless retries or the deadline ran out)");
        _localPicks = _meter.CreateCounter<long>("actors_local_picks", description: "Targets this node picked itself because the route grain could not be reached");
        _cooldowns = _meter.CreateCounter<long>("actors_cooldowns", description: "Rate-limited answers that put a target in a cooldown, by route and target");
    }

    /// <summary>The labels of Kong's AI series, in Kong's order.</summary>
    public static System.Diagnostics.TagList KongLabels(string provider, string model) => new()
    {
        { "ai_provider", provider },
        { "ai_model", model },
        { "cache_status", NoCache },
        { "vector_db", NoCache },
        { "embeddings_provider", NoCache },
        { "embeddings_model", NoCache },
        { "workspace", Workspace },
    };

    public void RecordAttempt(ResolvedRoute route, ResolvedTarget target, AttemptResult result, double latencyMs)
    {
        // a static factory with its argument: a capturing lambda would allocate a delegate on every request
        var series = _byTarget.GetOrAdd(target, static (t, args) => new TargetSeries(args.Series, args.Route, t.Spec.Provider, t.Spec.ModelName),
            (Series: _series, Route: route.Name));
        RecordKongSeries(series, target, result, latencyMs);

        series.Attempts(result.Status).Add(1);
        if (result.FirstByteMs is { } firstByte) _timeToFirstToken.Record(firstByte, series.OurLabels);
        if (result.PromptTokens > 0) series.RoutePromptTokens.Add(result.PromptTokens);
        if (result.CompletionTokens > 0) series.RouteCompletionTokens.Add(result.CompletionTokens);
        if (!result.Delivered && result.FailsOver && result.Error is { } failure) _failovers.Add(1, Append(series.OurLabels, "reason", failure.Reason()));
    }

    private void RecordKongSeries(TargetSeries series, ResolvedTarget target, AttemptResult result, double latencyMs)
    {
        series.Requests.Add(1);
        _latency.Record(latencyMs, series.KongLabels);
        if (result.PromptTokens > 0) series.PromptTokens.Add(result.PromptTokens);
        if (result.CompletionTokens > 0) series.CompletionTokens.Add(result.CompletionTokens);
        if (result.PromptTokens + result.CompletionTokens > 0) series.TotalTokens.Add(result.PromptTokens + result.CompletionTokens);
        var options = target.Spec.Options;
        if (options.InputCost is null && options.OutputCost is null) return;
        var cost = (result.PromptTokens * (options.InputCost ?? 0) + result.CompletionTokens * (options.OutputCost ?? 0)) / 1_000_000;
        if (cost > 0) series.Cost.Add(cost);
    }

    public void RecordCooldown(ResolvedRoute route, int target) => _cooldowns.Add(1,
        new KeyValuePair<string, object?>("route", route.Name), new KeyValuePair<string, object?>("target", route.Targets[target].IndexHeader));

    public void RecordLocalPick(string route) => _localPicks.Add(1, new KeyValuePair<string, object?>("route", route));

    private static System.Diagnostics.TagList Append(System.Diagnostics.TagList tags, string key, object value)
    {
        var copy = tags;
        copy.Add(key, value);
        return copy;
    }

    public void Dispose() => _meter.Dispose();
}
