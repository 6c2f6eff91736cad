using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;

namespace Actors.Api.Picking;

/// <summary>How one pick came out.</summary>
public enum PickOutcome
{
    Picked,
    /// <summary>No eligible target: every circuit is open (a request that tried every target starts over among them).</summary>
    NoTarget,
    /// <summary>The picker's target list and this node's disagree (different revisions): refresh the config first.</summary>
    StaleRevision,
    /// <summary>The route grain could not be reached within <c>Gateway:ClusterCallDeadline</c>.</summary>
    ClusterUnavailable,
    /// <summary>Every target's provider asked for a pause (rate-limited); the first ends after <see cref="PickResult.RetryAfter"/>.</summary>
    Cooling,
}

/// <summary>
/// One pick: the outcome and, when <see cref="PickOutcome.Picked"/>, the index into the route's targets and whether
/// this request probes the target's half-open circuit (its outcome should be reported at once).
/// </summary>
/// <param name="Local">This node picked on its own: the route grain could not be reached.</param>
/// <param name="RetryAfter">For <see cref="PickOutcome.Cooling"/>: until the first target's cooldown ends.</param>
public readonly record struct PickResult(PickOutcome Outcome, int TargetIndex = -1, bool Probe = false, bool Local = false, TimeSpan RetryAfter = default);

/// <summary>
/// Step 5 (Pick) and step 8 (Report) of the pipeline: where a request's target comes from and where its outcome
/// goes. In the gateway this is the route grain (<see cref="ClusterTargetPicker"/>), so every pick in the cluster
/// uses one rotation; tests put a plain picker here.
/// </summary>
public interface ITargetPicker
{
    /// <param name="excluded">Bit i set: target i already failed for this request.</param>
    /// <param name="hashKey">The consistent-hashing key, when the route hashes and the client sent one.</param>
    Task<PickResult> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken);

    /// <summary>One attempt's outcome, for the picker that made <paramref name="pick"/>. One-way: the client never waits for bookkeeping.</summary>
    void Report(ResolvedRoute route, TargetOutcome outcome, PickResult pick);
}
