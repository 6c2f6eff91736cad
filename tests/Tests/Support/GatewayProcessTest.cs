using System.Net;
using System.Text.Json.Nodes;

namespace Actors.Tests.Support;

/// <summary>
/// Base of the process tests against one API node: the class's shared node (<see cref="GatewayNodeFixture"/>) or a
/// node of the test's own started with <see cref="NodeArguments"/>, plus the fakes the test starts.
/// </summary>
public abstract class GatewayProcessTest : TestWithUpstreams
{
    private readonly GatewayNode? _shared;

    /// <summary>Tests of the class share the fixture's node; each applies the config it needs.</summary>
    protected GatewayProcessTest(GatewayNodeFixture fixture) => _shared = fixture.Node;

    /// <summary>Each test gets its own node.</summary>
    protected GatewayProcessTest()
    {
    }

    protected GatewayNode Node { get; private set; } = null!;

    protected virtual IEnumerable<string> NodeArguments => [];
    protected virtual IDictionary<string, string>? NodeEnvironment => null;

    public override async Task InitializeAsync()
    {
        Node = _shared ?? await Own(GatewayNode.StartAsync(NodeArguments, NodeEnvironment));
        await SetUpAsync();
    }

    /// <summary>Runs once the node is up: start fakes, apply a config.</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    /// <summary>Applies a decK document and checks it was accepted.</summary>
    protected async Task ApplyAsync(string deck)
    {
        using var response = await Node.PostConfigAsync(deck);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    protected Task<JsonNode> BalancerAsync(string route) => Node.BalancerAsync(route);
}
