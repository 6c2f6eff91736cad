using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Routing;

public class ModelAliasesTests
{
    private static TargetSpec Target(string? alias) => new() { Provider = "openai", ModelName = "m", ModelAlias = alias };

    [Fact]
    public void A_model_that_is_an_alias_leaves_every_target_without_it_out()
    {
        var aliases = new ModelAliases([Target("fast"), Target("smart"), Target(null), Target("fast")]);

        Assert.Equal(0b0110UL, aliases.Excluded("fast"));   // targets 0 and 3 share the alias: the balancer picks between them
        Assert.Equal(0b1101UL, aliases.Excluded("smart"));
    }

    [Theory]
    [InlineData("gpt-4.1")]
    [InlineData("FAST")]
    [InlineData(null)]
    public void Any_other_model_leaves_nothing_out(string? model) =>
        Assert.Equal(0UL, new ModelAliases([Target("fast"), Target(null)]).Excluded(model));

    [Fact]
    public void Sixty_four_targets_use_every_bit()
    {
        var aliases = new ModelAliases([.. Enumerable.Range(0, 64).Select(i => Target(i == 63 ? "last" : null))]);

        Assert.Equal(ulong.MaxValue >> 1, aliases.Excluded("last"));
    }
}

public class RequestBodyLimitTests
{
    [Theory]
    [InlineData(null, 8_388_608, 1_048_576)]   // Kong 3.15's default
    [InlineData(2048, 8_388_608, 2048)]
    [InlineData(16_777_216, 8_388_608, 8_388_608)] // never above the node's own limit
    [InlineData(0, 8_388_608, 8_388_608)]      // 0: no limit of the plugin's own
    public void The_smaller_of_the_routes_and_the_nodes_limit_applies(int? plugin, int node, int expected) =>
        Assert.Equal(expected, RequestBodyLimit.Effective(plugin, node));
}
