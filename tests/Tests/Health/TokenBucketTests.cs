using Actors.Grains.Consumers;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Health;

public class TokenBucketTests
{
    [Fact]
    public void A_full_bucket_serves_its_limit_then_refills_at_the_limits_pace()
    {
        var bucket = new TokenBucket();
        var perMinute = new RateLimitSpec { Limit = 3, PeriodSeconds = 60 };

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(bucket.TryTake(perMinute, 0).Allowed));
        var refused = bucket.TryTake(perMinute, 0);
        Assert.False(refused.Allowed);
        Assert.Equal(20, refused.RetryAfterSeconds);            // one token every 20 s
        Assert.False(bucket.TryTake(perMinute, 19_000).Allowed);
        Assert.True(bucket.TryTake(perMinute, 20_500).Allowed);
        Assert.False(bucket.TryTake(perMinute, 20_600).Allowed);
    }

    [Fact]
    public void A_changed_limit_starts_a_fresh_bucket()
    {
        var bucket = new TokenBucket();
        bucket.TryTake(new RateLimitSpec { Limit = 1, PeriodSeconds = 60 }, 0);

        Assert.True(bucket.TryTake(new RateLimitSpec { Limit = 2, PeriodSeconds = 60 }, 0).Allowed);
    }
}
