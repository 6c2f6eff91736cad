using System.Net;
using Actors.Api.Hosting;
using Actors.Api.Picking;
using Actors.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Proxy;

/// <summary>What the pipeline does with a rate-limited provider, and the request deadline across failover, on a clock the test moves.</summary>
public sealed class CooldownAndDeadlineTests : TestWithUpstreams
{
    private static RequestDelegate RateLimited(string retryAfter) => async context =>
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = retryAfter;
        await context.Response.WriteAsJsonAsync(new { error = new { message = "Rate limit reached", type = "requests" } });
    };

    private static string SeedWithCriteria(string criteria, params string[] upstreams) =>
        SeedFiles.SeedYamlWithUpstreams(upstreams).Replace("algorithm: round-robin", $"algorithm: round-robin\n          failover_criteria: [{criteria}]");

    [Fact]
    public async Task With_kongs_default_criteria_the_429_reaches_the_client_and_its_cooldown_reaches_the_picker()
    {
        var limited = Own(await RawUpstream.StartAsync(RateLimited("6")));
        var healthy = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(SeedFiles.SeedYamlWithUpstreams(limited.Url, healthy.ChatUrl)));

        using var response = await host.ChatAsync("/route1");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(6), response.Headers.RetryAfter?.Delta);
        var report = Assert.Single(host.Picker.Reports);
        Assert.Equal((0, 6_000L), (report.TargetIndex, report.CooldownMs));
        Assert.Empty(healthy.Requests);
    }

    [Fact]
    public async Task Every_target_cooling_is_a_429_with_retry_after_and_no_provider_call()
    {
        var gpt41 = await FakeAsync();
        var host = await Own(PipelineHost.StartAsync(SeedFiles.SeedYamlWithUpstreams(gpt41.ChatUrl, gpt41.ChatUrl)));
        host.Picker.Script = (_, _) => new PickResult(PickOutcome.Cooling, RetryAfter: TimeSpan.FromMilliseconds(2_300));

        using var response = await host.ChatAsync("/route1");
        var error = (await Json(response))["error"]!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_error", (string?)error["type"]);
        Assert.Contains("rate-limited by its provider", (string?)error["message"]);
        Assert.Empty(gpt41.Requests);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.InternalServerError)]
    public async Task No_failover_starts_once_the_request_deadline_has_passed(bool firstAttemptOutlivesTheDeadline, HttpStatusCode expected)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var failing = Own(await RawUpstream.StartAsync(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            // The provider takes longer than the request's whole deadline to fail.
            if (firstAttemptOutlivesTheDeadline) clock.Advance(TimeSpan.FromSeconds(11));
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "boom", type = "server_error" } });
        }));
        var healthy = await FakeAsync();
        var gateway = new GatewaySettings { RequestDeadline = TimeSpan.FromSeconds(10) };
        var host = await Own(PipelineHost.StartAsync(SeedWithCriteria("error, timeout, http_500, non_idempotent", failing.Url, healthy.ChatUrl), gateway, time: clock));

        using var response = await host.ChatAsync("/route1");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(firstAttemptOutlivesTheDeadline ? 0 : 1, healthy.Requests.Count);
    }

    [Fact]
    public async Task An_answer_dripped_slower_than_the_deadline_ends_at_the_deadline_with_504()
    {
        // 200 bytes a byte every 250 ms: each read is well within read_timeout, the whole far past the 2 s deadline.
        var dripping = Own(await RawUpstream.StartAsync(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 200;
            for (var i = 0; i < 200 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(new[] { (byte)' ' }, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(250, context.RequestAborted);
            }
        }));
        var gateway = new GatewaySettings { RequestDeadline = TimeSpan.FromSeconds(2) };
        var host = await Own(PipelineHost.StartAsync(SeedFiles.SeedYamlWithUpstreams(dripping.Url, dripping.Url), gateway));
        host.Client.Timeout = TimeSpan.FromSeconds(40);

        using var response = await host.ChatAsync("/route1");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }
}
