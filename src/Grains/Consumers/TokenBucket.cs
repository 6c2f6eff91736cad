using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Consumers;

namespace Actors.Grains.Consumers;

/// <summary>
/// A token bucket refilled continuously: at most <c>Limit</c> at once, <c>Limit</c> per period on average. Refills by
/// the time elapsed on its <see cref="TimeProvider"/>'s monotonic clock, so a step of the wall clock neither fills nor drains it.
/// </summary>
public sealed class TokenBucket(TimeProvider time)
{
    private double _tokens = double.NaN;
    private long _lastTimestamp;
    private RateLimitSpec? _limit;

    public RateDecision TryTake(RateLimitSpec limit)
    {
        var now = time.GetTimestamp();
        var perMs = (double)limit.Limit / (limit.PeriodSeconds * 1000.0);
        if (double.IsNaN(_tokens) || limit != _limit) (_tokens, _limit) = (limit.Limit, limit); // new bucket or a changed limit
        else _tokens = Math.Min(limit.Limit, _tokens + time.GetElapsedTime(_lastTimestamp, now).TotalMilliseconds * perMs);
        _lastTimestamp = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return new RateDecision(true, 0, (int)_tokens);
        }
        var waitMs = (1 - _tokens) / perMs;
        return new RateDecision(false, Math.Max(1, (int)Math.Ceiling(waitMs / 1000)), 0);
    }
}
