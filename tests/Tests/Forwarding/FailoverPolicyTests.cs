using Actors.Api.Forwarding;
using Actors.Grains.Interfaces.Configuration;
using static Actors.Api.Forwarding.FailureCases;

namespace Actors.Tests.Forwarding;

/// <summary>failover_criteria as nginx's proxy_next_upstream reads them, and what counts against max_fails.</summary>
public class FailoverPolicyTests
{
    private static readonly FailoverPolicy Default = new(FailoverCriterion.Defaults);

    [Theory]
    // before the request went out (refused, reset while connecting, connect timeout): retried
    [InlineData(Error, false, true, true)]
    [InlineData(FailureCases.Timeout, false, true, true)]
    // once a POST went out: not retried, but still a failure of the target
    [InlineData(Error, true, false, true)]
    [InlineData(FailureCases.Timeout, true, false, true)]
    [InlineData(InvalidHeader, true, false, true)]
    // statuses not listed: neither retried nor counted
    [InlineData(Http500, true, false, false)]
    [InlineData(Http429, true, false, false)]
    [InlineData(Http503, true, false, false)]
    [InlineData(None, true, false, false)]
    public void Kongs_default_retries_only_failures_before_the_request_was_sent(FailureCases failure, bool sent, bool failsOver, bool unsuccessful)
    {
        Assert.Equal(["error", "timeout"], FailoverCriterion.Defaults);
        Assert.Equal(new FailoverVerdict(failsOver, unsuccessful), Default.Judge(failure, sent));
    }

    [Fact]
    public void A_listed_status_counts_against_the_target_but_a_sent_post_fails_over_only_with_non_idempotent()
    {
        var statuses = new FailoverPolicy(["error", "timeout", "http_500"]);
        var nonIdempotent = new FailoverPolicy(["http_500", "non_idempotent"]);

        Assert.Equal(new FailoverVerdict(false, true), statuses.Judge(Http500, requestSent: true));
        Assert.Equal(new FailoverVerdict(true, true), statuses.Judge(Http500, requestSent: true, nonIdempotent: false)); // a GET is retried
        Assert.Equal(new FailoverVerdict(true, true), nonIdempotent.Judge(Http500, requestSent: true));
        Assert.Equal(new FailoverVerdict(false, false), nonIdempotent.Judge(Http502, requestSent: true));
        // error and timeout always count, even when not listed
        Assert.Equal(new FailoverVerdict(false, true), nonIdempotent.Judge(Error, requestSent: false));
    }

    [Fact]
    public void Http_403_and_404_fail_over_when_listed_and_never_count_against_the_target()
    {
        var policy = new FailoverPolicy(["http_403", "http_404", "invalid_header", "non_idempotent"]);

        Assert.Equal(new FailoverVerdict(true, false), policy.Judge(Http403, requestSent: true));
        Assert.Equal(new FailoverVerdict(true, false), policy.Judge(Http404, requestSent: true));
        Assert.Equal(new FailoverVerdict(true, true), policy.Judge(InvalidHeader, requestSent: true));
        Assert.Equal(new FailoverVerdict(false, true), policy.Judge(FailureCases.Timeout, requestSent: true));
    }

    [Fact]
    public void Every_criterion_kong_knows_has_a_case_and_statuses_map_to_theirs()
    {
        Assert.All(FailoverCriterion.Supported, c => Assert.NotEqual(None, FailoverPolicy.Parse(c)));
        var all = new FailoverPolicy(FailoverCriterion.Supported).Criteria;
        Assert.Equal(11, System.Numerics.BitOperations.PopCount((uint)all));
        Assert.Equal(Http504, FailoverPolicy.ForStatus(504));
        Assert.Equal(None, FailoverPolicy.ForStatus(501));
        Assert.True(FailoverPolicy.IsNonIdempotent(HttpMethod.Post));
        Assert.False(FailoverPolicy.IsNonIdempotent(HttpMethod.Get));
    }

    [Theory]
    [InlineData(ForwarderError.Request, 502, Error)]
    [InlineData(ForwarderError.ResponseBodyCut, 502, Error)]
    [InlineData(ForwarderError.RequestTimedOut, 504, FailureCases.Timeout)]
    [InlineData(ForwarderError.ResponseBodyTimedOut, 504, FailureCases.Timeout)]
    [InlineData(ForwarderError.InvalidResponse, 502, InvalidHeader)]
    [InlineData(ForwarderError.ResponseUntranslatable, 502, InvalidHeader)]
    [InlineData(ForwarderError.FailoverStatus, 429, Http429)]
    [InlineData(ForwarderError.ResponseTooLarge, 200, None)]
    public void Each_forwarder_error_falls_under_one_case(ForwarderError error, int status, FailureCases expected) =>
        Assert.Equal(expected, error.Case(status));
}
