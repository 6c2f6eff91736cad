using Actors.Grains.Interfaces.Configuration;

namespace Actors.Grains.Interfaces.Consumers;

/// <summary>One per consumer (key: username): its rate limit, enforced for the whole cluster.</summary>
public interface IConsumerLimiterGrain : IGrainWithStringKey
{
    /// <summary>Takes one request from the consumer's bucket.</summary>
    [ResponseTimeout("00:00:01.5")]
    Task<RateDecision> TryTake(RateLimitSpec limit);
}

[GenerateSerializer, Immutable]
public readonly record struct RateDecision([property: Id(0)] bool Allowed, [property: Id(1)] int RetryAfterSeconds, [property: Id(2)] int Remaining);
