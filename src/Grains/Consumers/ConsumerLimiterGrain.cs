using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.Interfaces.Consumers;

namespace Actors.Grains.Consumers;

/// <summary>
/// A consumer's bucket. Kept in memory: if the grain moves after a silo crash the bucket starts full again, which
/// errs on the side of serving. It refills on the silo's <see cref="TimeProvider"/>.
/// </summary>
public sealed class ConsumerLimiterGrain(TimeProvider time) : Grain, IConsumerLimiterGrain
{
    private readonly TokenBucket _bucket = new(time);

    public Task<RateDecision> TryTake(RateLimitSpec limit) => Task.FromResult(_bucket.TryTake(limit));
}
