using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Api.Telemetry;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Telemetry;

/// <summary>
/// What one provider call records: Kong's series with exactly Kong's labels (so Kong's dashboards work), and ours
/// by route, status and failure.
/// </summary>
public sealed class GatewayMetricsTests : IDisposable
{
    private readonly GatewayMetrics _metrics = new();
    private readonly MetricsCapture _capture;

    public GatewayMetricsTests() => _capture = new MetricsCapture(_metrics.Meter);

    public void Dispose()
    {
        _capture.Dispose();
        _metrics.Dispose();
    }

    private static readonly string[] KongLabelNames =
        ["ai_provider", "ai_model", "cache_status", "vector_db", "embeddings_provider", "embeddings_model", "workspace"];

    /// <summary>Routes, each with one target per model, resolved as a node resolves them.</summary>
    private static RouteTable Table(params (string Route, TargetSpec[] Targets)[] routes) => new(new GatewayConfig
    {
        Version = 1,
        Services = [new ServiceSpec { Routes = routes.Select(r => new RouteSpec { Name = r.Route, Paths = ["/" + r.Route], Targets = r.Targets }.WithRevision()).ToArray() }],
    }, ProviderRegistry.Default, _ => "key");

    private static TargetSpec Target(string model, double? inputCost = null, double? outputCost = null) => new()
    {
        Provider = "openai",
        ModelName = model,
        Options = new ModelOptions { UpstreamUrl = "http://127.0.0.1:9/v1/chat/completions", InputCost = inputCost, OutputCost = outputCost },
    };

    private static AttemptResult Ok(long prompt = 0, long completion = 0, double? firstByteMs = null) =>
        new() { Delivered = true, Healthy = true, Status = 200, PromptTokens = prompt, CompletionTokens = completion, FirstByteMs = firstByteMs };

    private void Record(RouteTable table, string route, int target, AttemptResult result, double latencyMs = 10)
    {
        var resolved = table.Find(route)!;
        _metrics.RecordAttempt(resolved, resolved.Targets[target], result, latencyMs);
    }

    [Fact]
    public void An_attempt_counts_one_request_and_its_latency_under_exactly_Kongs_labels_in_Kongs_order()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, Ok(), latencyMs: 42.5);

        var measured = _capture.Collect();
        var requests = Assert.Single(measured, m => m.Instrument == "ai_llm_requests");
        var latency = Assert.Single(measured, m => m.Instrument == "ai_llm_provider_latency_ms");
        Assert.Equal(1, requests.Value);
        Assert.Equal(42.5, latency.Value);
        foreach (var kong in new[] { requests, latency })
        {
            Assert.Equal(KongLabelNames, kong.Labels.Select(l => l.Key));
            Assert.Equal(new object?[] { "openai", "gpt-4o", "", "", "", "", "default" }, kong.Labels.Select(l => l.Value));
        }
    }

    [Fact]
    public void Tokens_are_counted_as_prompt_completion_and_total_in_Kongs_series_and_by_route_in_ours()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, Ok(prompt: 10, completion: 5));
        Record(table, "chat", 0, Ok(prompt: 1, completion: 2));

        var measured = _capture.Collect();
        var kong = measured.Where(m => m.Instrument == "ai_llm_tokens").ToDictionary(m => (string)m.Label("token_type")!, m => m.Value);
        var ours = measured.Where(m => m.Instrument == "actors_tokens").ToDictionary(m => (string)m.Label("token_type")!, m => m);
        Assert.Equal(new Dictionary<string, double> { ["prompt_tokens"] = 11, ["completion_tokens"] = 7, ["total_tokens"] = 18 }, kong);
        Assert.Equal((11.0, 7.0), (ours["prompt"].Value, ours["completion"].Value));
        Assert.Equal(["route", "ai_provider", "ai_model", "token_type"], ours["prompt"].Labels.Select(l => l.Key));
        Assert.Equal("chat", ours["prompt"].Label("route"));
    }

    [Fact]
    public void An_attempt_without_tokens_counts_its_request_but_no_token_series()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, new AttemptResult { Status = 502, Error = ForwarderError.Request });

        var measured = _capture.Collect();
        Assert.Equal(1, Assert.Single(measured, m => m.Instrument == "ai_llm_requests").Value);
        Assert.DoesNotContain(measured, m => m.Instrument is "ai_llm_tokens" or "actors_tokens" or "ai_llm_cost");
    }

    [Fact]
    public void Cost_is_the_tokens_priced_per_million_and_there_is_no_cost_series_without_prices()
    {
        var table = Table(("chat", [Target("priced", inputCost: 2.5, outputCost: 10), Target("free"), Target("output-only", outputCost: 30)]));

        Record(table, "chat", 0, Ok(prompt: 1000, completion: 500));
        Record(table, "chat", 1, Ok(prompt: 1000, completion: 500));
        Record(table, "chat", 2, Ok(prompt: 1000));   // priced, but nothing it prices was used

        var cost = Assert.Single(_capture.Collect("ai_llm_cost"));
        Assert.Equal((1000 * 2.5 + 500 * 10) / 1_000_000, cost.Value, 12);
        Assert.Equal("priced", cost.Label("ai_model"));
        Assert.Equal(KongLabelNames, cost.Labels.Select(l => l.Key));
    }

    [Fact]
    public void Attempts_are_counted_by_status_and_two_routes_on_one_model_share_Kongs_series_but_not_ours()
    {
        var table = Table(("first", [Target("gpt-4o")]), ("second", [Target("gpt-4o")]));

        Record(table, "first", 0, Ok());
        Record(table, "first", 0, new AttemptResult { Status = 429, Error = ForwarderError.FailoverStatus, FailsOver = true });
        Record(table, "first", 0, Ok());
        Record(table, "second", 0, Ok());

        var measured = _capture.Collect();
        var attempts = measured.Where(m => m.Instrument == "actors_attempts")
            .ToDictionary(m => ((string)m.Label("route")!, Convert.ToInt32(m.Label("status"))), m => m.Value);
        Assert.Equal(new Dictionary<(string, int), double> { [("first", 200)] = 2, [("first", 429)] = 1, [("second", 200)] = 1 }, attempts);
        Assert.Equal(4, Assert.Single(measured, m => m.Instrument == "ai_llm_requests").Value);
    }

    [Theory]
    [InlineData(ForwarderError.FailoverStatus, "status")]
    [InlineData(ForwarderError.RequestTimedOut, "timeout")]
    [InlineData(ForwarderError.ResponseBodyTimedOut, "timeout")]
    [InlineData(ForwarderError.Request, "error")]
    [InlineData(ForwarderError.InvalidResponse, "error")]
    public void A_failed_attempt_that_reached_no_client_counts_a_failover_with_its_reason(ForwarderError error, string reason)
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, new AttemptResult { Status = 502, Error = error, FailsOver = true });

        var failover = Assert.Single(_capture.Collect("actors_failovers"));
        Assert.Equal(1, failover.Value);
        Assert.Equal(["route", "ai_provider", "ai_model", "reason"], failover.Labels.Select(l => l.Key));
        Assert.Equal(("chat", reason), (failover.Label("route"), failover.Label("reason")));
    }

    [Fact]
    public void A_delivered_attempt_is_no_failover_even_when_it_broke_off()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, Ok());
        Record(table, "chat", 0, new AttemptResult { Delivered = true, Status = 502, Error = ForwarderError.ResponseCutAfterStart });

        Assert.Empty(_capture.Collect("actors_failovers"));
    }

    [Fact]
    public void A_failure_the_route_does_not_fail_over_on_is_no_failover()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        // e.g. a 500 under Kong's default criteria, or a timeout of a sent POST without non_idempotent
        Record(table, "chat", 0, new AttemptResult { Status = 500, Error = ForwarderError.FailoverStatus, FailsOver = false });
        Record(table, "chat", 0, new AttemptResult { Status = 504, Error = ForwarderError.RequestTimedOut, FailsOver = false });

        Assert.Empty(_capture.Collect("actors_failovers"));
    }

    [Fact]
    public void Time_to_first_token_is_recorded_for_streams_only_under_our_labels()
    {
        var table = Table(("chat", [Target("gpt-4o")]));

        Record(table, "chat", 0, Ok(firstByteMs: 123.4));
        Record(table, "chat", 0, Ok());

        var first = Assert.Single(_capture.Collect("actors_time_to_first_token_ms"));
        Assert.Equal(123.4, first.Value);
        Assert.Equal(new object?[] { "chat", "openai", "gpt-4o" }, first.Labels.Select(l => l.Value));
    }

    [Fact]
    public void A_local_pick_is_counted_by_route()
    {
        _metrics.RecordLocalPick("chat");
        _metrics.RecordLocalPick("chat");

        var picks = _capture.Collect("actors_local_picks");
        Assert.Equal(2, picks.Count);
        Assert.All(picks, p => Assert.Equal((1.0, "chat"), (p.Value, p.Label("route"))));
    }
}
