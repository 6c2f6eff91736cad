using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.Cluster;

/// <summary>The Orleans Dashboard and our routes page, hosted by an API node of a real cluster, seen in a browser.</summary>
[Trait("Category", "Cluster"), Collection(ProcessCollection.Name)]
public sealed partial class DashboardTests(FairnessClusterFixture fixture, ITestOutputHelper output)
{
    private LocalCluster Cluster => fixture.Cluster;

    [GeneratedRegex("""<tr class="target" data-model="([^"]+)">.*?<td class="share">([\d.]+)%</td><td class="picks">(\d+)</td>""", RegexOptions.Singleline)]
    private static partial Regex TargetRow();

    [Fact]
    public async Task The_routes_page_shows_live_shares_of_picks_in_a_browser()
    {
        var a = Cluster.Apis[0]!;
        var b = Cluster.Apis[1]!;
        Assert.Equal(HttpStatusCode.OK, (await a.PostConfigAsync(Cluster.SeedConfig.Replace("route1", "dash"))).StatusCode);
        for (var i = 0; i < 10; i++)
        {
            using var response = await (i % 2 == 0 ? a : b).ChatAsync("/dash");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var dom = await HeadlessChromium.DumpDomAsync(b.AdminUrl + "/dashboard/routes");
        var section = dom[dom.IndexOf("data-route=\"dash\"", StringComparison.Ordinal)..];
        var rows = TargetRow().Matches(section).Take(2).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

        Assert.Equal([("gpt-4.1", "50.0", "5"), ("gpt-5", "50.0", "5")], rows);
        Assert.Contains("round-robin", section);

        var screenshots = Path.Combine(SeedFiles.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        var png = Path.Combine(screenshots, "routes-dashboard.png");
        await HeadlessChromium.ScreenshotAsync(b.AdminUrl + "/dashboard/routes", png);
        Assert.True(new FileInfo(png).Length > 10_000, "the screenshot has content");
        output.WriteLine("screenshot: " + png);
    }

    [Fact]
    public async Task The_orleans_dashboard_shows_the_route_grain_state()
    {
        var node = Cluster.Apis[1]!;
        Assert.Equal(HttpStatusCode.OK, (await node.PostConfigAsync(Cluster.SeedConfig.Replace("route1", "inspect"))).StatusCode);
        (await node.ChatAsync("/inspect")).Dispose();

        var index = await node.Http.GetStringAsync(node.AdminUrl + "/dashboard/");
        Assert.Contains("index.min.js", index);
        var types = JsonNode.Parse(await node.Http.GetStringAsync(node.AdminUrl + "/dashboard/GrainTypes"))!.AsArray().Select(t => (string)t!);
        Assert.Contains("Actors.Grains.Routes.RouteGrain", types);

        // The dashboard's grain-state view calls the grain's GetState().
        var raw = await node.Http.GetStringAsync(node.AdminUrl + "/dashboard/GrainState?grainId=inspect&grainType=Actors.Grains.Routes.RouteGrain");
        var state = JsonNode.Parse(JsonNode.Parse(raw)!.GetValue<string>())!["GetState"]!;
        Assert.Equal("inspect", (string)state["Route"]!);
        Assert.Equal(1, (long)state["Cursor"]!);
        Assert.Equal(["gpt-4.1", "gpt-5"], state["Targets"]!.AsArray().Select(t => (string)t!["Model"]!));
        Assert.DoesNotContain(GatewayNode.ApiKey, raw);

        // The dashboard's own page, rendered: the overview with its silo and activation counts.
        var dom = await HeadlessChromium.DumpDomAsync(node.AdminUrl + "/dashboard/", 5000);
        Assert.Contains("Active Silos", dom);
        Assert.Contains("Total Activations", dom);
        var screenshots = Path.Combine(SeedFiles.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        await HeadlessChromium.ScreenshotAsync(node.AdminUrl + "/dashboard/", Path.Combine(screenshots, "orleans-dashboard.png"), 5000);
    }
}
