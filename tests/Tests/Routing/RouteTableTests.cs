using Actors.Api.Providers;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Routing;

public class RouteTableTests
{
    private static RouteSpec Route(string name, params string[] paths) => new()
    {
        Name = name, Paths = paths,
        Targets = [new TargetSpec { Provider = "openai", ModelName = "m" }],
    };

    private static readonly RouteTable Table = new(
        new GatewayConfig { Version = 1, Services = [new ServiceSpec { Routes = [Route("short", "/llm"), Route("long", "/llm/v1"), Route("other", "/x", "/y")] }] },
        ProviderRegistry.Default, _ => null);

    [Theory]
    [InlineData("/llm", "short")]
    [InlineData("/llm/chat", "short")]
    [InlineData("/llm/v1", "long")]
    [InlineData("/llm/v1/chat/completions", "long")]
    [InlineData("/y/z", "other")]
    public void Paths_are_prefixes_and_the_longest_wins(string path, string expected) =>
        Assert.Equal(expected, Table.Match(path)?.Name);

    [Theory]
    [InlineData("/")]
    [InlineData("/LLM")]
    [InlineData("/ll")]
    public void Unmatched_paths_find_nothing(string path) => Assert.Null(Table.Match(path));

    [Theory]
    [InlineData("/r7", "r7")]
    [InlineData("/r7/v1/chat/completions", "r7")]
    [InlineData("/r999", "r999")]
    [InlineData("/r1000", "r100")]
    [InlineData("/r42x", "r42")]
    [InlineData("/q1", null)]
    public void With_a_thousand_routes_the_longest_prefix_still_wins(string path, string? expected)
    {
        var table = new RouteTable(
            new GatewayConfig { Version = 1, Services = [new ServiceSpec { Routes = Enumerable.Range(0, 1000).Select(i => Route($"r{i}", $"/r{i}")).ToArray() }] },
            ProviderRegistry.Default, _ => null);
        Assert.Equal(expected, table.Match(path)?.Name);
    }

    [Theory]
    [InlineData("/models/gpt-5/chat", "regex", "gpt-5")]
    [InlineData("/models/gpt-5/chat/completions", "regex", "gpt-5")] // anchored at the start only, as in Kong
    [InlineData("/models/gpt-5", "prefix", null)]                     // the regex does not match: the prefix does
    [InlineData("/x/models/gpt-5/chat", "other", null)]
    public void Regex_paths_match_before_prefixes_and_their_named_groups_are_uri_captures(string path, string expected, string? model)
    {
        var table = new RouteTable(new GatewayConfig
        {
            Version = 1,
            Services = [new ServiceSpec { Routes = [Route("prefix", "/models"), Route("regex", "~/models/(?<model>[^/]+)/chat"), Route("other", "/x")] }],
        }, ProviderRegistry.Default, _ => null);

        var route = table.Match(path);

        Assert.Equal(expected, route?.Name);
        Assert.Equal(model, route?.UriCapture(path, "model"));
        Assert.Null(route?.UriCapture(path, "missing"));
    }

    [Fact]
    public void Kongs_pcre_named_groups_are_read_too() =>
        Assert.Equal("d1", new RouteTable(new GatewayConfig { Version = 1, Services = [new ServiceSpec { Routes = [Route("r", "~/d/(?P<id>\\w+)$")] }] },
            ProviderRegistry.Default, _ => null).Match("/d/d1")!.UriCapture("/d/d1", "id"));

    [Fact]
    public void Targets_without_upstream_url_use_the_provider_default()
    {
        Assert.Equal("https://api.openai.com/v1/chat/completions", Table.Find("short")!.Targets[0].Exchange!.Url!.ToString());
    }

    [Fact]
    public void An_older_version_never_replaces_a_newer_one()
    {
        var holder = new RouteTableHolder(ProviderRegistry.Default);
        holder.Install(new GatewayConfig { Version = 2, Services = [new ServiceSpec { Routes = [Route("new", "/n")] }] });

        holder.Install(new GatewayConfig { Version = 1, Services = [new ServiceSpec { Routes = [Route("old", "/o")] }] });

        Assert.Equal(2, holder.Current.Version);
        Assert.NotNull(holder.Current.Find("new"));
    }
}
