using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Actors.Grains.Storage;

/// <summary>
/// One grain's record in grain storage, read and written without <c>IPersistentState</c> so that the grain decides
/// when to wait for storage and when not to. Its grain is the record's only writer, so a version conflict (a write
/// that timed out but landed, or a record lost with Redis's data) is settled by taking the record over.
/// </summary>
public sealed class GrainStateStore<T>(IGrainStorage storage, string stateName, GrainId grainId, ILogger logger) where T : class
{
    private string? _etag;

    /// <summary>The stored state; null when there is none or it could not be read (the serializer logged why).</summary>
    public async Task<T?> ReadAsync()
    {
        var record = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grainId, record);
        _etag = record.ETag;
        return record.RecordExists ? record.State : null;
    }

    public async Task WriteAsync(T state)
    {
        var record = new GrainState<T>(state) { ETag = _etag };
        try
        {
            await storage.WriteStateAsync(stateName, grainId, record);
        }
        catch (InconsistentStateException)
        {
            logger.LogWarning("Stored {State} of {Grain} changed under it; taking the record over", stateName, grainId);
            var current = new GrainState<T>();
            await storage.ReadStateAsync(stateName, grainId, current);
            record.ETag = current.ETag;
            await storage.WriteStateAsync(stateName, grainId, record);
        }
        _etag = record.ETag;
    }

    public async Task ClearAsync()
    {
        var current = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grainId, current);
        await storage.ClearStateAsync(stateName, grainId, current);
        _etag = null;
    }
}
