namespace Actors.Grains.Health;

public enum CircuitState
{
    /// <summary>The target takes traffic.</summary>
    Closed,
    /// <summary>The target failed <c>max_fails</c> times in a row and is skipped until its retry time.</summary>
    Open,
    /// <summary>The retry time has come and one probe request is deciding whether the target is back.</summary>
    HalfOpen,
}

/// <summary>
/// Passive health of a route's targets, shared by every API node because the route grain owns it: after
/// <c>max_fails</c> consecutive failures a target is skipped for <c>fail_timeout</c>, then a single probe request
/// decides. Pure logic: time is passed in.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly int _maxFails;
    private readonly TimeSpan _failTimeout;
    private readonly int[] _consecutiveFailures;
    private readonly DateTimeOffset[] _retryAt;
    private readonly DateTimeOffset?[] _probeStartedAt;

    public CircuitBreaker(int targets, int maxFails, TimeSpan failTimeout)
    {
        _maxFails = maxFails;
        _failTimeout = failTimeout;
        _consecutiveFailures = new int[targets];
        _retryAt = new DateTimeOffset[targets];
        _probeStartedAt = new DateTimeOffset?[targets];
    }

    public bool Enabled => _maxFails > 0;

    public CircuitState State(int target, DateTimeOffset now)
    {
        if (!Enabled || _consecutiveFailures[target] < _maxFails) return CircuitState.Closed;
        return now < _retryAt[target] ? CircuitState.Open : CircuitState.HalfOpen;
    }

    public int ConsecutiveFailures(int target) => _consecutiveFailures[target];

    /// <summary>When an open circuit lets a probe through; null while closed.</summary>
    public DateTimeOffset? RetryAt(int target, DateTimeOffset now) =>
        State(target, now) == CircuitState.Closed ? null : _retryAt[target];

    /// <summary>Closed targets take traffic; a half-open one takes exactly one probe at a time.</summary>
    public bool IsEligible(int target, DateTimeOffset now) => State(target, now) switch
    {
        CircuitState.Closed => true,
        // A probe whose outcome never came back (its API node died) is given up after fail_timeout.
        CircuitState.HalfOpen => _probeStartedAt[target] is not { } started || now - started >= _failTimeout,
        _ => false,
    };

    public void OnPicked(int target, DateTimeOffset now)
    {
        if (State(target, now) == CircuitState.HalfOpen) _probeStartedAt[target] = now;
    }

    public void OnOutcome(int target, bool success, DateTimeOffset now)
    {
        _probeStartedAt[target] = null;
        if (success)
        {
            _consecutiveFailures[target] = 0;
            return;
        }
        _consecutiveFailures[target] = Math.Min(_consecutiveFailures[target] + 1, int.MaxValue - 1);
        // Reaching the limit, or a failed probe, (re)opens the circuit for another fail_timeout.
        if (Enabled && _consecutiveFailures[target] >= _maxFails) _retryAt[target] = now + _failTimeout;
    }
}
