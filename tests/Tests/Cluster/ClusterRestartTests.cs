using System.Net;
using System.Text.Json.Nodes;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>Every silo and API node stops (Redis stays) and starts again on the same ports.</summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed class ClusterRestartTests(ITestOutputHelper output) : ClusterProcessTest(output)
{
    public override async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(silos: 2, apis: 2);

    [Fact]
    public async Task Routes_answer_at_once_after_a_full_restart_with_the_config_and_rotation_they_had()
    {
        Assert.Equal(HttpStatusCode.OK, (await Started.Apis[0]!.PostConfigAsync(Started.SeedConfig)).StatusCode);
        var before = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await Started.Apis[i % 2]!.ChatAsync("/route1");
            before.Add((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["model"]!);
        }

        await Started.StopAllAsync();
        await Started.StartAllAsync();

        // the very first request after the restart, with no config posted again
        using var first = await Started.Apis[1]!.ChatAsync("/route1");
        var body = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, body);
        var after = (string)JsonNode.Parse(body)!["model"]!;

        Output.WriteLine($"before the restart: {string.Join(", ", before)}; first after: {after}");
        Assert.Equal(["gpt-4.1", "gpt-5", "gpt-4.1", "gpt-5", "gpt-4.1"], before);
        Assert.Equal("gpt-5", after); // the rotation goes on where it stopped
        var config = JsonNode.Parse(await Started.Apis[0]!.Http.GetStringAsync(Started.Apis[0]!.AdminUrl + "/config"))!;
        Assert.Equal(1, (long)config["version"]!);
        var state = JsonNode.Parse(await Started.Apis[0]!.Http.GetStringAsync(Started.Apis[0]!.AdminUrl + "/routes/route1/balancer"))!;
        Assert.Equal(6, (long)state["cursor"]!);
        Assert.Equal([3L, 3L], state["targets"]!.AsArray().Select(t => (long)t!["picks"]!));
    }
}
