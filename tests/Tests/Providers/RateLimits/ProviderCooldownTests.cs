using System.Net.Http.Headers;
using Actors.Api.Providers.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Providers.RateLimits;

/// <summary>Every form in which providers say how long to wait, read on a fake clock.</summary>
public sealed class ProviderCooldownTests
{
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private static readonly CooldownSettings Settings = new();

    private static TimeSpan? Cooldown(int status, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return ProviderCooldown.From(status, response.Headers, Now, Settings);
    }

    [Theory]
    [InlineData("6", 6_000)]
    [InlineData("0.5", 500)]
    [InlineData("Sun, 06 Dec 2026 12:00:30 GMT", 30_000)]
    public void Retry_after_in_seconds_or_as_an_http_date(string value, int ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), Cooldown(429, ("Retry-After", value)));

    [Fact]
    public void Azures_retry_after_ms_wins_over_the_rounded_retry_after() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Cooldown(429, ("retry-after-ms", "1500"), ("Retry-After", "2")));

    [Theory]
    [InlineData("6m0s", 360_000)]
    [InlineData("20ms", 20)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m2.5s", 62_500)]
    public void Openais_reset_counts_when_its_limit_is_used_up(string reset, int ms)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(ms), Cooldown(429, ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", reset)));
        // a limit with room left says nothing about when to come back: the 429's default applies
        Assert.Equal(Settings.Default, Cooldown(429, ("x-ratelimit-remaining-requests", "3"), ("x-ratelimit-reset-requests", reset)));
    }

    [Fact]
    public void The_longest_reset_among_the_used_up_limits_counts() =>
        Assert.Equal(TimeSpan.FromSeconds(40), Cooldown(429,
            ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "2s"),
            ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "40s")));

    [Fact]
    public void Anthropics_reset_times_count_when_their_limit_is_used_up()
    {
        Assert.Equal(TimeSpan.FromSeconds(12), Cooldown(429,
            ("anthropic-ratelimit-input-tokens-remaining", "0"), ("anthropic-ratelimit-input-tokens-reset", "2026-12-06T12:00:12Z"),
            ("anthropic-ratelimit-requests-remaining", "10"), ("anthropic-ratelimit-requests-reset", "2026-12-06T12:05:00Z")));
        // Anthropic's own retry-after comes first
        Assert.Equal(TimeSpan.FromSeconds(3), Cooldown(429, ("retry-after", "3"),
            ("anthropic-ratelimit-requests-remaining", "0"), ("anthropic-ratelimit-requests-reset", "2026-12-06T12:00:40Z")));
    }

    [Fact]
    public void A_429_naming_no_time_cools_for_the_default_and_a_503_only_when_it_names_one()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Cooldown(429));
        Assert.Null(Cooldown(503));
        Assert.Equal(TimeSpan.FromSeconds(7), Cooldown(503, ("Retry-After", "7")));
        Assert.Equal(TimeSpan.FromSeconds(7), Cooldown(529, ("retry-after", "7")));
        Assert.Null(Cooldown(500, ("Retry-After", "7")));
        Assert.Null(Cooldown(200, ("Retry-After", "7")));
    }

    [Fact]
    public void A_cooldown_is_capped_a_time_already_past_means_none_and_garbage_means_none_named()
    {
        Assert.Equal(Settings.Max, Cooldown(429, ("Retry-After", "31536000")));
        Assert.Equal(Settings.Max, Cooldown(429, ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "1h2m3s")));
        Assert.Null(Cooldown(429, ("Retry-After", "Sun, 06 Dec 2026 11:00:00 GMT")));
        Assert.Null(Cooldown(429, ("Retry-After", "0")));
        Assert.Equal(Settings.Default, Cooldown(429, ("Retry-After", "soon")));
        Assert.Equal(Settings.Default, Cooldown(429, ("Retry-After", "-4")));
        Assert.Null(ProviderCooldown.From(429, new HttpResponseMessage().Headers, Now, new CooldownSettings { Enabled = false }));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("6x", null)]
    [InlineData("1m30", null)]
    [InlineData("250us", 0.25)]
    public void Go_durations_are_read_whole_or_not_at_all(string text, double? ms) =>
        Assert.Equal(ms is { } m ? TimeSpan.FromMilliseconds(m) : null, ProviderCooldown.GoDuration(text));
}
