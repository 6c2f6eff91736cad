using System.Net;
using System.Text;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>
/// The provider key lives only in the API nodes' environment: after real traffic on a real cluster with debug
/// logging, it is in no Redis value, no log line of any node, and no admin response.
/// </summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class SecretsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private LocalCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LocalCluster.StartAsync(2, 2, "--Logging:LogLevel:Default", "Debug", "--Logging:LogLevel:Orleans", "Debug");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task The_provider_key_appears_in_no_redis_value_log_line_or_admin_response()
    {
        var a = _cluster.Apis[0]!;
        var b = _cluster.Apis[1]!;
        var failingOver = _cluster.SeedConfig.Replace("algorithm: round-robin", "algorithm: round-robin\n          failover_criteria: [error, timeout, http_500, non_idempotent]");
        Assert.Equal(HttpStatusCode.OK, (await a.PostConfigAsync(failingOver)).StatusCode);
        _cluster.Gpt5.Apply(new FakeOpenAI.FakeBehavior { Status = 500 }); // errors and failovers get logged too
        for (var i = 0; i < 10; i++) (await (i % 2 == 0 ? a : b).ChatAsync("/route1")).Dispose();
        (await a.ChatAsync("/route1", """{"messages":[{"role":"user","content":"x"}],"stream":true}""")).Dispose();
        (await a.PostConfigAsync(_cluster.SeedConfig.Replace("gpt-5", "broken").Replace("DECK_OPENAI_API_KEY", "DECK_MISSING"))).Dispose();
        await Task.Delay(1500); // let route grains checkpoint to Redis

        // the fake upstream did receive the key: the search below looks for something real
        Assert.Contains(_cluster.Gpt41.Requests, r => r.Headers["Authorization"] == $"Bearer {GatewayNode.ApiKey}");

        var responses = new StringBuilder();
        foreach (var node in new[] { a, b })
            foreach (var path in new[] { "/config", "/routes", "/routes/state", "/routes/route1/balancer", "/metrics", "/readyz",
                         "/dashboard/GrainState?grainId=route1&grainType=Actors.Grains.Routes.RouteGrain",
                         "/dashboard/GrainState?grainId=0&grainType=Actors.Grains.Configuration.ConfigGrain", "/dashboard/ClusterStats" })
                responses.AppendLine(await node.Http.GetStringAsync(node.AdminUrl + path));
        var redis = await _cluster.Redis.DumpAsync();
        var logs = _cluster.Logs();

        output.WriteLine($"searched {redis.Length} chars of Redis keys and values, {logs.Length} chars of logs from {_cluster.Silos.Count} silos and {_cluster.Apis.Count} API nodes, {responses.Length} chars of admin responses");
        Assert.Contains("route1", redis);          // the state is there...
        Assert.Contains("DECK_OPENAI_API_KEY", redis);
        Assert.DoesNotContain(GatewayNode.ApiKey, redis);   // ...the key is not
        Assert.Contains("dbug", logs);
        Assert.DoesNotContain(GatewayNode.ApiKey, logs);
        Assert.DoesNotContain(GatewayNode.ApiKey, responses.ToString());
    }
}
