namespace Actors.Grains.Health;

/// <summary>
/// Targets whose provider asked not to be sent anything for a while (a 429 or 503 naming a time): each is left out of
/// every pick until then. Held by the route grain, so no API node in the cluster sends a cooling target anything. A
/// cooldown is not a failure: it never counts toward <c>max_fails</c>. Pure logic: time is passed in.
/// </summary>
public sealed class TargetCooldowns(int targets)
{
    private readonly DateTimeOffset[] _until = new DateTimeOffset[targets];

    /// <summary>Keeps <paramref name="target"/> out until <paramref name="cooldown"/> from now (a later end already set stays).</summary>
    public void Start(int target, TimeSpan cooldown, DateTimeOffset now)
    {
        if ((uint)target >= (uint)_until.Length || cooldown <= TimeSpan.Zero) return;
        var end = now + cooldown;
        if (end > _until[target]) _until[target] = end;
    }

    public bool IsCooling(int target, DateTimeOffset now) => _until[target] > now;

    /// <summary>When the target's cooldown ends; null when it is not cooling.</summary>
    public DateTimeOffset? Until(int target, DateTimeOffset now) => IsCooling(target, now) ? _until[target] : null;

    /// <summary>When every target is cooling, the earliest end (when the route can next be served); else null.</summary>
    public DateTimeOffset? AllCoolingUntil(DateTimeOffset now)
    {
        if (_until.Length == 0) return null;
        var earliest = DateTimeOffset.MaxValue;
        foreach (var end in _until)
        {
            if (end <= now) return null;
            if (end < earliest) earliest = end;
        }
        return earliest;
    }
}
