using Actors.Api.Configuration;
using Actors.Api.Routing;

namespace Actors.Tests.Support;

/// <summary>Stands in for the config sync in in-process tests: counts the refreshes the pipeline asks for.</summary>
public sealed class CountingRefresher : IConfigRefresher
{
    public int Count => _count;
    private int _count;

    public Task RefreshAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }
}
