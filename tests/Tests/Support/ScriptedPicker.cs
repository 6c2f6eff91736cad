using System.Collections.Concurrent;
using Actors.Api.Picking;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Tests.Support;

/// <summary>
/// The route grain's part for in-process tests: round-robin over the targets not yet tried (all of them again once
/// every one was tried), or a scripted answer;
/// every report is kept.
/// </summary>
public sealed class ScriptedPicker : ITargetPicker
{
    private int _next;

    /// <summary>When set, answers every pick instead of the rotation.</summary>
    public Func<ResolvedRoute, ulong, PickResult>? Script { get; set; }
    public ConcurrentQueue<TargetOutcome> Reports { get; } = new();
    public int Picks => _picks;
    private int _picks;

    public Task<PickResult> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _picks);
        if (Script is { } script) return Task.FromResult(script(route, excluded));
        for (var i = 0; i < route.Targets.Count; i++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _next) - 1) % route.Targets.Count;
            if ((excluded & (1UL << index)) == 0) return Task.FromResult(new PickResult(PickOutcome.Picked, index));
        }
        // every target tried: start over, as the route grain does
        return Task.FromResult(new PickResult(PickOutcome.Picked, (int)((uint)Interlocked.Increment(ref _next) - 1) % route.Targets.Count));
    }

    public void Report(ResolvedRoute route, TargetOutcome outcome, PickResult pick) => Reports.Enqueue(outcome);

    /// <summary>A cut response reaches the client before the handler reports it: wait for the reports.</summary>
    public async Task<TargetOutcome[]> WaitForReportsAsync(int count)
    {
        for (var i = 0; i < 200 && Reports.Count < count; i++) await Task.Delay(25);
        return Reports.ToArray();
    }
}
