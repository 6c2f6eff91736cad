namespace Actors.Grains.Interfaces.Routes;

public enum PickStatus
{
    Picked,
    /// <summary>The grain has no spec for this route (never configured, or removed).</summary>
    NotConfigured,
    /// <summary>No target is eligible.</summary>
    NoTarget,
    /// <summary>Every target's provider asked for a pause (rate-limited): none until <see cref="TargetPick.RetryAfterMs"/>.</summary>
    Cooling,
}

/// <param name="Probe">
/// The target's circuit is half-open and this request decides it: its outcome should be reported at once, not
/// batched, so the next pick already knows.
/// </param>
/// <param name="RetryAfterMs">For <see cref="PickStatus.Cooling"/>: how long until the first cooldown ends.</param>
[GenerateSerializer, Immutable]
public readonly record struct TargetPick(
    [property: Id(0)] PickStatus Status,
    [property: Id(1)] int TargetIndex,
    [property: Id(2)] string Revision,
    [property: Id(3)] bool Probe = false,
    [property: Id(4)] long RetryAfterMs = 0);

/// <summary>What became of one request sent to one target (by the route spec of <see cref="Revision"/>).</summary>
/// <param name="CooldownMs">How long the provider asked to be left alone (a rate limit); 0 when it did not.</param>
[GenerateSerializer, Immutable]
public readonly record struct TargetOutcome(
    [property: Id(0)] string Revision,
    [property: Id(1)] int TargetIndex,
    [property: Id(2)] bool Success,
    [property: Id(4)] double LatencyMs,
    [property: Id(5)] long PromptTokens,
    [property: Id(6)] long CompletionTokens,
    [property: Id(7)] long CooldownMs = 0);

[GenerateSerializer, Immutable]
public sealed record RouteBalancerState
{
    [Id(0)] public string Route { get; init; } = "";
    [Id(1)] public bool Configured { get; init; }
    [Id(2)] public string Algorithm { get; init; } = "";
    /// <summary>Position in the rotation: how many picks the route has made since its targets last changed.</summary>
    [Id(3)] public long Cursor { get; init; }
    [Id(4)] public string Revision { get; init; } = "";
    /// <summary>Address of the silo hosting the grain.</summary>
    [Id(5)] public string Silo { get; init; } = "";
    [Id(6)] public IReadOnlyList<TargetState> Targets { get; init; } = [];
    /// <summary>The algorithm's setting, where it has one: latency or tokens strategy, or the hashed header.</summary>
    [Id(7)] public string? Strategy { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record TargetState
{
    [Id(0)] public int Index { get; init; }
    [Id(1)] public string Provider { get; init; } = "";
    [Id(2)] public string Model { get; init; } = "";
    [Id(3)] public int Weight { get; init; }
    [Id(4)] public bool Healthy { get; init; } = true;
    [Id(5)] public long Picks { get; init; }
    [Id(6)] public long Successes { get; init; }
    [Id(7)] public long Failures { get; init; }
    [Id(8)] public long PromptTokens { get; init; }
    [Id(9)] public long CompletionTokens { get; init; }
    [Id(10)] public long TotalTokens { get; init; }
    [Id(11)] public double AverageLatencyMs { get; init; }
    [Id(12)] public string? Description { get; init; }
    /// <summary>"closed", "open" or "half-open".</summary>
    [Id(13)] public string Circuit { get; init; } = "closed";
    /// <summary>Unsuccessful attempts the circuit breaker counts (in total, until a success after <c>fail_timeout</c>).</summary>
    [Id(14)] public int CircuitFails { get; init; }
    /// <summary>When an open circuit lets one probe through.</summary>
    [Id(15)] public DateTimeOffset? RetryAt { get; init; }
    /// <summary>Until when the target's provider asked to be left alone (rate-limited); null when it is not cooling.</summary>
    [Id(17)] public DateTimeOffset? CoolingUntil { get; init; }
    /// <summary>What the route's algorithm currently knows about this target.</summary>
    [Id(16)] public BalancerInputs Inputs { get; init; } = new();
}

/// <summary>An algorithm's live inputs for one target; each algorithm fills what it uses.</summary>
[GenerateSerializer, Immutable]
public sealed record BalancerInputs
{
    [Id(0)] public int? Weight { get; init; }
    /// <summary>lowest-latency: moving average (ms, or ms per output token with tpot).</summary>
    [Id(1)] public double? LatencyAverageMs { get; init; }
    /// <summary>lowest-usage: tokens (or cost) in the sliding window.</summary>
    [Id(2)] public double? WindowUsage { get; init; }
    /// <summary>consistent-hashing: points this target owns on the ring.</summary>
    [Id(3)] public int? HashSlots { get; init; }
    /// <summary>priority: 0 for the highest-weight group, then 1, 2...</summary>
    [Id(4)] public int? PriorityGroup { get; init; }
    /// <summary>least-connections: requests picked for this target whose outcome has not come back yet.</summary>
    [Id(5)] public int? InFlight { get; init; }
}
