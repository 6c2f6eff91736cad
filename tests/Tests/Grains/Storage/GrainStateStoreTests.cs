using Actors.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace Actors.Tests.Grains.Storage;

public class GrainStateStoreTests
{
    /// <summary>Storage whose record changes behind the store's back, as when a timed-out write lands later.</summary>
    private sealed class ChangingStorage : IGrainStorage
    {
        public string? ETag = "stored-by-a-write-that-timed-out";
        public string? Data;
        public int Conflicts;

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.ETag = ETag;
            grainState.RecordExists = ETag is not null;
            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (grainState.ETag != ETag)
            {
                Conflicts++;
                throw new InconsistentStateException("version conflict", ETag, grainState.ETag);
            }
            Data = grainState.State?.ToString();
            grainState.ETag = ETag = Guid.NewGuid().ToString("N");
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_version_conflict_is_settled_by_taking_the_record_over_and_later_writes_go_through()
    {
        var storage = new ChangingStorage();
        var store = new GrainStateStore<string>(storage, "route", GrainId.Create("route", "r"), NullLogger.Instance);

        await store.WriteAsync("first"); // the store never read: its etag is stale
        await store.WriteAsync("second");

        Assert.Equal(1, storage.Conflicts);
        Assert.Equal("second", storage.Data);
    }
}
