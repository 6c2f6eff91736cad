using Actors.Grains.Consumers;
using Actors.Grains.Interfaces.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Grains.Consumers;

/// <summary>The consumer rate limit on a fake clock: time moves only when the test advances it.</summary>
public class TokenBucketTests
{
    private static readonly RateLimitSpec ThreePerMinute = new() { Limit = 3, PeriodSeconds = 60 };
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_full_bucket_serves_its_limit_then_refills_at_the_limits_pace()
    {
        var bucket = new TokenBucket(_clock);

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(bucket.TryTake(ThreePerMinute).Allowed));
        var refused = bucket.TryTake(ThreePerMinute);
        Assert.False(refused.Allowed);
        Assert.Equal(20, refused.RetryAfterSeconds);            // one token every 20 s
        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(bucket.TryTake(ThreePerMinute).Allowed);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(bucket.TryTake(ThreePerMinute).Allowed);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(bucket.TryTake(ThreePerMinute).Allowed);
    }

    [Fact]
    public void Retry_after_counts_down_as_the_bucket_refills()
    {
        var bucket = new TokenBucket(_clock);
        for (var i = 0; i < 3; i++) bucket.TryTake(ThreePerMinute);

        Assert.Equal(20, bucket.TryTake(ThreePerMinute).RetryAfterSeconds);
        _clock.Advance(TimeSpan.FromSeconds(12));
        Assert.Equal(8, bucket.TryTake(ThreePerMinute).RetryAfterSeconds);
        _clock.Advance(TimeSpan.FromSeconds(7.5));
        Assert.Equal(1, bucket.TryTake(ThreePerMinute).RetryAfterSeconds); // half a second left rounds up to one
    }

    [Fact]
    public void An_idle_bucket_refills_up_to_its_limit_and_no_further()
    {
        var bucket = new TokenBucket(_clock);
        for (var i = 0; i < 3; i++) bucket.TryTake(ThreePerMinute);

        _clock.Advance(TimeSpan.FromHours(1));

        var remaining = Enumerable.Range(0, 3).Select(_ => bucket.TryTake(ThreePerMinute)).ToArray();
        Assert.All(remaining, d => Assert.True(d.Allowed));
        Assert.Equal([2, 1, 0], remaining.Select(d => d.Remaining));
        Assert.False(bucket.TryTake(ThreePerMinute).Allowed);
    }

    [Fact]
    public void A_changed_limit_starts_a_fresh_bucket()
    {
        var bucket = new TokenBucket(_clock);
        bucket.TryTake(new RateLimitSpec { Limit = 1, PeriodSeconds = 60 });

        Assert.True(bucket.TryTake(new RateLimitSpec { Limit = 2, PeriodSeconds = 60 }).Allowed);
    }

    [Fact]
    public async Task The_consumer_limiter_grain_refills_on_the_clock_it_is_given()
    {
        var grain = new ConsumerLimiterGrain(_clock);

        for (var i = 0; i < 3; i++) Assert.True((await grain.TryTake(ThreePerMinute)).Allowed);
        Assert.False((await grain.TryTake(ThreePerMinute)).Allowed);
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await grain.TryTake(ThreePerMinute)).Allowed);
        Assert.False((await grain.TryTake(ThreePerMinute)).Allowed);
    }
}
