using Actors.Tests.Cluster;

namespace Actors.Tests.Support;

/// <summary>
/// Tests that start real processes run one class at a time: the machine has two cores, and a crash test that
/// measures latency must not share them with another cluster booting. The fairness cluster is started once and
/// shared by the classes that only read from it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection : ICollectionFixture<FairnessClusterFixture>
{
    public const string Name = "real processes";
}
