using System.Diagnostics.Metrics;
using Actors.Api.Forwarding;
using Actors.Api.Routing;

namespace Actors.Api.Telemetry;

/// <summary>
/// The gateway's meters, exported as Prometheus text at <c>/metrics</c> on the admin listener. Names follow Kong's
/// AI metrics (<c>ai_llm_requests_total</c>, <c>ai_llm_tokens_total</c>, <c>ai_llm_cost_total</c>,
/// <c>ai_llm_provider_latency_ms</c>) and labels, so existing dashboards keep working.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Actors.Gateway";

    private readonly Meter _meter = new(MeterName);

    /// <summary>For instruments registered elsewhere (observable gauges).</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _localPicks;

    public GatewayMetrics()
    {
        _requests = _meter.CreateCounter<long>("ai_llm_requests", description: "Provider attempts by route, target and status");
        _tokens = _meter.CreateCounter<long>("ai_llm_tokens", description: "Tokens by route, target and token_type (prompt, completion)");
        _cost = _meter.CreateCounter<double>("ai_llm_cost", description: "Cost from the target's input_cost and output_cost (per million tokens)");
        _latency = _meter.CreateHistogram<double>("ai_llm_provider_latency_ms", description: "Provider latency per attempt, to the end of the response");
        _timeToFirstToken = _meter.CreateHistogram<double>("ai_llm_time_to_first_token_ms", description: "Time to the first streamed byte");
        _failovers = _meter.CreateCounter<long>("actors_failovers", description: "Attempts that failed and moved the request to another target");
        _localPicks = _meter.CreateCounter<long>("actors_local_picks", description: "Targets this node picked itself because the route grain could not be reached");
    }

    public void RecordAttempt(ResolvedRoute route, ResolvedTarget target, AttemptResult result, double latencyMs)
    {
        var tags = new System.Diagnostics.TagList
        {
            { "route", route.Name },
            { "ai_provider", target.Spec.Provider },
            { "ai_model", target.Spec.ModelName },
            { "status", result.Status },
        };
        _requests.Add(1, tags);
        var modelTags = new System.Diagnostics.TagList { { "route", route.Name }, { "ai_provider", target.Spec.Provider }, { "ai_model", target.Spec.ModelName } };
        _latency.Record(latencyMs, modelTags);
        if (result.FirstByteMs is { } firstByte) _timeToFirstToken.Record(firstByte, modelTags);
        if (result.PromptTokens > 0) _tokens.Add(result.PromptTokens, Append(modelTags, "token_type", "prompt"));
        if (result.CompletionTokens > 0) _tokens.Add(result.CompletionTokens, Append(modelTags, "token_type", "completion"));
        var options = target.Spec.Options;
        if (options.InputCost is not null || options.OutputCost is not null)
        {
            var cost = (result.PromptTokens * (options.InputCost ?? 0) + result.CompletionTokens * (options.OutputCost ?? 0)) / 1_000_000;
            if (cost > 0) _cost.Add(cost, modelTags);
        }
        if (!result.Delivered && result.Error is { } failure) _failovers.Add(1, Append(modelTags, "reason", failure.Reason()));
    }

    public void RecordLocalPick(string route) => _localPicks.Add(1, new KeyValuePair<string, object?>("route", route));

    private static System.Diagnostics.TagList Append(System.Diagnostics.TagList tags, string key, object value)
    {
        var copy = tags;
        copy.Add(key, value);
        return copy;
    }

    public void Dispose() => _meter.Dispose();
}
