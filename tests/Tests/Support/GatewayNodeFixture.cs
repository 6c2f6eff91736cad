namespace Actors.Tests.Support;

/// <summary>One embedded-mode API node shared by the tests of a class (each test applies the config it needs).</summary>
public sealed class GatewayNodeFixture : IAsyncLifetime
{
    public GatewayNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await GatewayNode.StartAsync(["--Gateway:MaxConfigBytes", "1048576"]);

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
