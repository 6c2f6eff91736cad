using System.Collections.Concurrent;
using System.Diagnostics;

namespace Actors.Api.Telemetry;

/// <summary>
/// The counter cells and label lists one target of one route records into, looked up once per target (per route
/// table revision) rather than once per measurement.
/// </summary>
public sealed class TargetSeries
{
    private readonly ConcurrentDictionary<int, CounterCell> _attemptsByStatus = new();
    private readonly Func<int, CounterCell> _newStatusCell;

    public TargetSeries(GatewaySeries series, string route, string provider, string model)
    {
        KongLabels = GatewayMetrics.KongLabels(provider, model);
        OurLabels = new TagList { { "route", route }, { "ai_provider", provider }, { "ai_model", model } };
        var kong = KongLabels.ToArray();
        var ours = OurLabels.ToArray();
        Requests = series.Requests.For(kong);
        PromptTokens = series.Tokens.For([.. kong, new("token_type", "prompt_tokens")]);
        CompletionTokens = series.Tokens.For([.. kong, new("token_type", "completion_tokens")]);
        TotalTokens = series.Tokens.For([.. kong, new("token_type", "total_tokens")]);
        Cost = series.Cost.For(kong);
        RoutePromptTokens = series.RouteTokens.For([.. ours, new("token_type", "prompt")]);
        RouteCompletionTokens = series.RouteTokens.For([.. ours, new("token_type", "completion")]);
        _newStatusCell = status => series.Attempts.For([.. ours, new("status", status)]);
    }

    /// <summary>Kong's labels, for the latency histogram.</summary>
    public TagList KongLabels { get; }
    /// <summary>route, ai_provider, ai_model: for our histogram and rare series (failovers).</summary>
    public TagList OurLabels { get; }

    public CounterCell Requests { get; }
    public CounterCell PromptTokens { get; }
    public CounterCell CompletionTokens { get; }
    public CounterCell TotalTokens { get; }
    public CounterCell Cost { get; }
    public CounterCell RoutePromptTokens { get; }
    public CounterCell RouteCompletionTokens { get; }

    public CounterCell Attempts(int status) => _attemptsByStatus.GetOrAdd(status, _newStatusCell);
}

/// <summary>The counters kept as cells (<see cref="CounterCells"/>), one registry per instrument.</summary>
public sealed record GatewaySeries(
    CounterCells Requests, CounterCells Tokens, CounterCells Cost, CounterCells Attempts, CounterCells RouteTokens);
