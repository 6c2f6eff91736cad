using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Consumers;

namespace Actors.Grains.Consumers;

/// <summary>A token bucket refilled continuously: at most <c>Limit</c> at once, <c>Limit</c> per period on average. Pure logic.</summary>
public sealed class TokenBucket
{
    private double _tokens = double.NaN;
    private long _lastMs;
    private RateLimitSpec? _limit;

    public RateDecision TryTake(RateLimitSpec limit, long nowMs)
    {
        var perMs = (double)limit.Limit / (limit.PeriodSeconds * 1000.0);
        if (double.IsNaN(_tokens) || limit != _limit) (_tokens, _limit) = (limit.Limit, limit); // new bucket or a changed limit
        else _tokens = Math.Min(limit.Limit, _tokens + (nowMs - _lastMs) * perMs);
        _lastMs = nowMs;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return new RateDecision(true, 0, (int)_tokens);
        }
        var waitMs = (1 - _tokens) / perMs;
        return new RateDecision(false, Math.Max(1, (int)Math.Ceiling(waitMs / 1000)), 0);
    }
}
