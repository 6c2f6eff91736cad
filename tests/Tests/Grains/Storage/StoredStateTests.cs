using System.Text;
using System.Text.Json.Nodes;
using Actors.Grains.Configuration;
using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;
using Actors.Grains.Routes;
using Actors.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Actors.Tests.Grains.Storage;

/// <summary>What the gateway stores in Redis: plain JSON that this and later versions read back.</summary>
public class StoredStateTests
{
    private static readonly JsonGrainStateSerializer Serializer = new(NullLogger<JsonGrainStateSerializer>.Instance);

    private static string GoldenPath(string name) => Path.Combine(Support.SeedFiles.RepositoryRoot, "tests", "Tests", "Grains", "Storage", "Golden", name);

    internal static RouteGrainState SampleRouteState() => new()
    {
        Spec = new RouteSpec
        {
            Name = "route1",
            Paths = ["/route1"],
            Revision = "rev-1",
            Balancer = new BalancerSpec { Algorithm = BalancerAlgorithms.RoundRobin, FailoverCriteria = ["error", "timeout"] },
            Targets =
            [
                new TargetSpec { Provider = "openai", ModelName = "gpt-4.1", Weight = 100, Options = new ModelOptions { Temperature = 1.0 },
                    Auth = new AuthSpec { HeaderName = "Authorization", HeaderValue = "Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}" } },
                new TargetSpec { Provider = "openai", ModelName = "gpt-5", Weight = 100 },
            ],
        },
        Balancer = new BalancerCheckpoint { Picks = 5, Scores = [-100, 100] },
        Counters = [new TargetCounters { Picks = 3, Successes = 3, PromptTokens = 42 }, new TargetCounters { Picks = 2, Failures = 1 }],
    };

    [Fact]
    public void Stored_state_is_plain_json_without_clr_type_names()
    {
        // Kong-style names and immutable collections, which the previous serializer wrote as "<>z__ReadOnlyArray" types
        var json = Serializer.Serialize(SampleRouteState()).ToString();

        Assert.DoesNotContain("$type", json);
        Assert.DoesNotContain("<>", json);
        Assert.DoesNotContain("Actors.", json);
        Assert.DoesNotContain("System.", json);
        var node = JsonNode.Parse(json)!;
        Assert.Equal("gpt-4.1", (string)node["spec"]!["targets"]![0]!["model_name"]!);
        Assert.Equal(["error", "timeout"], node["spec"]!["balancer"]!["failover_criteria"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public void A_state_reads_back_as_it_was_written()
    {
        var written = SampleRouteState();
        var read = Serializer.Deserialize<RouteGrainState>(Serializer.Serialize(written));

        Assert.Equal(written.Spec!.Targets.Select(t => t.ModelName), read.Spec!.Targets.Select(t => t.ModelName));
        Assert.Equal(written.Spec.Balancer.FailoverCriteria, read.Spec.Balancer.FailoverCriteria);
        Assert.Equal(written.Balancer!.Scores, read.Balancer!.Scores);
        Assert.Equal(written.Counters.Select(c => c.PromptTokens), read.Counters.Select(c => c.PromptTokens));
    }

    [Fact]
    public void State_written_by_this_version_is_read_by_every_later_one()
    {
        // Golden files: written once by this version and never regenerated. A change that cannot read them loses
        // every operator's stored rotation and config on upgrade.
        var route = Serializer.Deserialize<RouteGrainState>(BinaryData.FromString(File.ReadAllText(GoldenPath("route-state.v1.json"))));
        Assert.Equal("route1", route.Spec!.Name);
        Assert.Equal(["gpt-4.1", "gpt-5"], route.Spec.Targets.Select(t => t.ModelName));
        Assert.Equal(1.0, route.Spec.Targets[0].Options.Temperature);
        Assert.Equal([-100L, 100L], route.Balancer!.Scores);
        Assert.Equal(5, route.Balancer.Picks);
        Assert.Equal([3L, 2L], route.Counters.Select(c => c.Picks));

        var config = Serializer.Deserialize<ConfigGrainState>(BinaryData.FromString(File.ReadAllText(GoldenPath("config-state.v1.json"))));
        Assert.Equal(3, config.Config.Version);
        Assert.Equal("5f2c0d9e1a7b3c44", config.Config.Epoch);
        Assert.Equal(["route1"], config.Config.Routes.Select(r => r.Name));
        Assert.Equal("${{ env \"DECK_OPENAI_API_KEY\" }}", config.Config.Routes.Single().Targets[0].Auth.HeaderValue?.Replace("Bearer ", ""));
    }

    [Fact]
    public void Members_a_later_version_adds_are_skipped_and_missing_ones_take_defaults()
    {
        var json = """{"spec":{"name":"r","revision":"x","targets":[{"provider":"openai","model_name":"m","new_field":{"a":[1,2]}}],"future":true}}""";

        var read = Serializer.Deserialize<RouteGrainState>(BinaryData.FromString(json));

        Assert.Equal("m", read.Spec!.Targets.Single().ModelName);
        Assert.Equal(TargetSpec.DefaultWeight, read.Spec.Targets.Single().Weight);
        Assert.Equal(BalancerAlgorithms.RoundRobin, read.Spec.Balancer.Algorithm);
        Assert.Empty(read.Counters);
    }

    [Fact]
    public void Unreadable_state_comes_back_as_none_instead_of_failing()
    {
        // What the previous version stored: Newtonsoft type names, unreadable without the CLR types they name
        var legacy = """{"$id":"1","$type":"Actors.Grains.Routes.RouteGrainState, Actors.Grains","Spec":{"$id":"2","Balancer":{"FailoverCriteria":{"$type":"<>z__ReadOnlyArray`1[[System.String]], Actors.Grains.Interfaces","$values":["error"]}}}}""";

        Assert.Null(Serializer.Deserialize<RouteGrainState>(BinaryData.FromString(legacy))?.Spec);
        Assert.Null(Serializer.Deserialize<RouteGrainState>(new BinaryData(Encoding.UTF8.GetBytes("not json"))));
    }
}
