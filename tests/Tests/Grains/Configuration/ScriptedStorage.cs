using System.Collections.Concurrent;
using Orleans.Storage;

namespace Actors.Tests.Grains.Configuration;

/// <summary>How <see cref="ScriptedStorage"/> treats the writes of one grain.</summary>
public enum WriteFault
{
    /// <summary>Writes succeed.</summary>
    None,
    /// <summary>Writes throw and store nothing (storage down).</summary>
    Refuse,
    /// <summary>Writes are stored, then throw (a Redis stall: the client timed out, the server did not).</summary>
    LandThenThrow,
}

/// <summary>In-memory grain storage whose writes can be made to fail per grain, and whose writes can be awaited.</summary>
public sealed class ScriptedStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<(string, GrainId), (object State, string ETag)> _records = new();
    private readonly ConcurrentDictionary<GrainId, WriteFault> _faults = new();
    private readonly ConcurrentDictionary<GrainId, TaskCompletionSource> _nextWrite = new();

    /// <summary>What a failing write throws.</summary>
    public Func<Exception> Failure { get; set; } = () => new InconsistentStateException("storage is scripted to fail");

    public void Fault(GrainId grain, WriteFault fault) => _faults[grain] = fault;

    /// <summary>Completes at the next write of <paramref name="grain"/> that succeeds.</summary>
    public Task NextSuccessfulWrite(GrainId grain) =>
        _nextWrite.GetOrAdd(grain, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The state stored for <paramref name="grain"/>, if any.</summary>
    public T? Stored<T>(string stateName, GrainId grain) where T : class =>
        _records.TryGetValue((stateName, grain), out var record) ? (T)record.State : null;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
            (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)record.State, record.ETag, true);
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var fault = _faults.GetValueOrDefault(grainId);
        if (fault == WriteFault.Refuse) throw Failure();
        var etag = Guid.NewGuid().ToString("N");
        _records[(stateName, grainId)] = (grainState.State!, etag);
        if (fault == WriteFault.LandThenThrow) throw Failure();
        (grainState.ETag, grainState.RecordExists) = (etag, true);
        if (_nextWrite.TryRemove(grainId, out var waiting)) waiting.TrySetResult();
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _records.TryRemove((stateName, grainId), out _);
        (grainState.ETag, grainState.RecordExists) = (null, false);
        return Task.CompletedTask;
    }
}
