namespace Actors.Grains.Health;

public enum CircuitState
{
    /// <summary>The target takes traffic.</summary>
    Closed,
    /// <summary>The target reached <c>max_fails</c> and is skipped until its retry time.</summary>
    Open,
    /// <summary>The retry time has come: one probe request may try the target, or is trying it.</summary>
    HalfOpen,
}

/// <summary>
/// Passive health of a route's targets, shared by every API node because the route grain owns it. It counts as
/// nginx's upstream <c>max_fails</c>/<c>fail_timeout</c> do, which is what Kong's <c>ai-proxy-advanced</c> documents:
/// unsuccessful attempts add up (not only consecutive ones); reaching <c>max_fails</c> skips the target for
/// <c>fail_timeout</c>; the first pick after that is a probe (the next waits another <c>fail_timeout</c>); a
/// success resets the count only when a pick has happened more than <c>fail_timeout</c> after the last failure, so
/// two failures and a success within the window leave the count at two. Pure logic: time is passed in.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly int _maxFails;
    private readonly TimeSpan _failTimeout;
    private readonly int[] _fails;
    private readonly DateTimeOffset[] _lastFailure;
    /// <summary>nginx's <c>checked</c>: the last failure, or the first pick more than <c>fail_timeout</c> after it.</summary>
    private readonly DateTimeOffset[] _checked;

    public CircuitBreaker(int targets, int maxFails, TimeSpan failTimeout)
    {
        _maxFails = maxFails;
        _failTimeout = failTimeout;
        _fails = new int[targets];
        _lastFailure = new DateTimeOffset[targets];
        _checked = new DateTimeOffset[targets];
        Array.Fill(_lastFailure, DateTimeOffset.MinValue);
        Array.Fill(_checked, DateTimeOffset.MinValue);
    }

    public bool Enabled => _maxFails > 0;

    public CircuitState State(int target, DateTimeOffset now)
    {
        if (!Tripped(target)) return CircuitState.Closed;
        // A probe in flight has moved _checked past the last failure: half-open until it reports or times out.
        var probing = _checked[target] > _lastFailure[target];
        return probing || WindowPassed(target, now) ? CircuitState.HalfOpen : CircuitState.Open;
    }

    /// <summary>Unsuccessful attempts counted since the count was last reset.</summary>
    public int Fails(int target) => _fails[target];

    /// <summary>When an open circuit lets a probe through; null while closed.</summary>
    public DateTimeOffset? RetryAt(int target, DateTimeOffset now) =>
        State(target, now) == CircuitState.Closed ? null : _checked[target] + _failTimeout;

    /// <summary>Closed targets take traffic; a tripped one takes one probe per <c>fail_timeout</c>.</summary>
    public bool IsEligible(int target, DateTimeOffset now) => !Tripped(target) || WindowPassed(target, now);

    public void OnPicked(int target, DateTimeOffset now)
    {
        if (WindowPassed(target, now)) _checked[target] = now;
    }

    public void OnOutcome(int target, bool success, DateTimeOffset now)
    {
        if (success)
        {
            if (_lastFailure[target] < _checked[target]) _fails[target] = 0;
            return;
        }
        _fails[target] = Math.Min(_fails[target] + 1, int.MaxValue - 1);
        (_lastFailure[target], _checked[target]) = (now, now);
    }

    private bool Tripped(int target) => Enabled && _fails[target] >= _maxFails;

    private bool WindowPassed(int target, DateTimeOffset now) => now - _checked[target] >= _failTimeout;
}
