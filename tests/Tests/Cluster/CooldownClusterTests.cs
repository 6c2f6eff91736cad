using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Actors.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>
/// A provider that answers 429 with <c>Retry-After</c>, behind a silo and two API nodes on a real Redis: the route
/// grain keeps the target out of both nodes' picks for exactly that long.
/// </summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class CooldownClusterTests(ITestOutputHelper output) : ClusterProcessTest(output)
{
    /// <summary>A provider that is rate-limited while <see cref="Limited"/> is set: 429 with <c>Retry-After</c> seconds.</summary>
    private sealed class LimitedProvider(int retryAfterSeconds) : IAsyncDisposable
    {
        private RawUpstream? _server;
        public volatile bool Limited = true;
        public ConcurrentQueue<(TimeSpan At, int Status)> Requests { get; } = new();
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public string Url => _server!.Url;

        public async Task<LimitedProvider> StartAsync(string model)
        {
            _server = await RawUpstream.StartAsync(async context =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                var limited = Limited;
                Requests.Enqueue((Clock.Elapsed, limited ? 429 : 200));
                context.Response.ContentType = "application/json";
                if (limited)
                {
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await context.Response.WriteAsync("""{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""");
                    return;
                }
                await context.Response.WriteAsync($$$"""{"id":"c","object":"chat.completion","created":1,"model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""");
            });
            return this;
        }

        public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private static string Route(string name, string criteria, params (string Model, string Url)[] targets) => $$"""
        - name: {{name}}
          paths: [/{{name}}]
          plugins:
          - name: ai-proxy-advanced
            config:
              balancer: {algorithm: round-robin, failover_criteria: [{{criteria}}]}
              targets:
        {{string.Concat(targets.Select(t => $$$"""
              - model: {provider: openai, name: {{{t.Model}}}, options: {upstream_url: '{{{t.Url}}}'}}
                route_type: llm/v1/chat
                auth: {header_name: Authorization, header_value: 'Bearer ${{ env "DECK_OPENAI_API_KEY" }}'}

        """))}}
        """;

    private static string Deck(params string[] routes) =>
        "_format_version: \"3.0\"\nservices:\n- name: s\n  routes:\n" + string.Join("", routes.Select(r => string.Join("\n", r.Split('\n').Select(l => "  " + l)) + "\n"));

    private static async Task<(HttpStatusCode Status, string? Model, string? RetryAfter)> AskAsync(GatewayNode node, string route)
    {
        using var response = await node.ChatAsync("/" + route);
        var body = await response.Content.ReadAsStringAsync();
        var model = response.IsSuccessStatusCode ? (string?)JsonNode.Parse(body)!["model"] : null;
        return (response.StatusCode, model, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_rate_limited_target_gets_nothing_from_either_node_until_its_retry_after_then_rejoins_and_all_limited_answers_429_at_once()
    {
        Cluster = await LocalCluster.StartAsync(silos: 1, apis: 2);
        await using var limited = await new LimitedProvider(retryAfterSeconds: 3).StartAsync("limited");
        await using var bothA = await new LimitedProvider(retryAfterSeconds: 4).StartAsync("a");
        await using var bothB = await new LimitedProvider(retryAfterSeconds: 4).StartAsync("b");
        var nodes = new[] { Started.Apis[0]!, Started.Apis[1]! };
        var deck = Deck(
            Route("mixed", "error, timeout, http_429, non_idempotent", ("limited", limited.Url), ("healthy", Started.Gpt5.ChatUrl)),
            Route("both", "error, timeout, http_429, non_idempotent", ("a", bothA.Url), ("b", bothB.Url)));
        using (var applied = await nodes[0].PostConfigAsync(deck)) Assert.Equal(HttpStatusCode.OK, applied.StatusCode);

        // Every request is served, through failover the one time the limited target is tried.
        var answers = new List<(HttpStatusCode Status, string? Model, string? RetryAfter)>();
        var start = limited.Clock.Elapsed;
        for (var i = 0; i < 12 && limited.Clock.Elapsed < start + TimeSpan.FromSeconds(2.5); i++) answers.Add(await AskAsync(nodes[i % 2], "mixed"));
        var cooling = limited.Requests.ToArray();
        Output.WriteLine($"during the cooldown: {answers.Count} answers, limited target saw {cooling.Length} request(s)");
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "healthy"), (a.Status, a.Model)));
        Assert.Single(cooling);

        // Once its Retry-After has passed it is back in the rotation, for both nodes.
        limited.Limited = false;
        var until = cooling[0].At + TimeSpan.FromSeconds(3.2);
        while (limited.Clock.Elapsed < until) await Task.Delay(50);
        var after = new List<string?>();
        for (var i = 0; i < 6; i++) after.Add((await AskAsync(nodes[i % 2], "mixed")).Model);
        Output.WriteLine("after the cooldown: " + string.Join(", ", after));
        Assert.All(after, m => Assert.NotNull(m));
        Assert.Contains("limited", after);
        Assert.All(limited.Requests.Skip(1), r => Assert.True(r.At >= cooling[0].At + TimeSpan.FromSeconds(3), $"a request {r.At - cooling[0].At} after the 429"));

        // Every target limited: the first request tries both (and gets the last 429); from then on both nodes answer
        // 429 at once with the earliest end as Retry-After, and no provider hears of it.
        var first = await AskAsync(nodes[0], "both");
        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        var sent = bothA.Requests.Count + bothB.Requests.Count;
        Assert.Equal(2, sent);
        for (var i = 0; i < 6; i++)
        {
            var answer = await AskAsync(nodes[i % 2], "both");
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.Status);
            Assert.InRange(double.Parse(answer.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 4);
        }
        Assert.Equal(sent, bothA.Requests.Count + bothB.Requests.Count);
        var state = await nodes[1].BalancerAsync("both");
        Assert.All(state["targets"]!.AsArray(), t => Assert.NotNull(t!["cooling_until"]));
        Assert.All(state["targets"]!.AsArray(), t => Assert.Equal("closed", (string?)t!["circuit"]));
    }
}
