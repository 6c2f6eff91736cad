using Xunit.Abstractions;

namespace Actors.Tests.Support;

/// <summary>
/// A test class whose tests each start their own <see cref="LocalCluster"/> (with the shape they need), or whose
/// <see cref="InitializeAsync"/> starts one for every test, and leave its logs in the test output when it is torn down.
/// </summary>
public abstract class ClusterProcessTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The test's cluster once it started one.</summary>
    protected LocalCluster? Cluster { get; set; }

    /// <summary>The cluster of a class that starts one for every test.</summary>
    protected LocalCluster Started => Cluster ?? throw new InvalidOperationException("this test started no cluster");

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Cluster is null) return;
        Output.WriteLine(Cluster.Logs());
        await Cluster.DisposeAsync();
    }
}
