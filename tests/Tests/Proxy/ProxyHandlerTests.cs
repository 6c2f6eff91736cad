using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Actors.Api.Hosting;
using Actors.Api.Picking;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Proxy;

/// <summary>The request pipeline in process: the real handler and forwarder, fake providers on loopback, a scripted picker.</summary>
public sealed class ProxyHandlerTests : TestWithUpstreams
{
    private Task<PipelineHost> HostAsync(string deck, GatewaySettings? gateway = null, params string[] unsetOnNode) =>
        Own(PipelineHost.StartAsync(deck, gateway, environment: new Dictionary<string, string> { ["DECK_OTHER_KEY"] = "k" }, unsetOnNode: unsetOnNode));

    private static async Task AssertError(HttpResponseMessage response, int status, string message, string type)
    {
        var error = (await Json(response))["error"]!;
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, (string)error["message"]!);
        Assert.Equal(type, (string)error["type"]!);
    }

    [Fact]
    public async Task The_request_is_rewritten_for_each_picked_target_and_the_answer_comes_back_unchanged()
    {
        var (gpt41, gpt5) = (await FakeAsync(), await FakeAsync());
        var host = await HostAsync(SeedFiles.SeedYamlWithUpstreams(gpt41.ChatUrl, gpt5.ChatUrl));

        var models = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/route1") { Content = new StringContent("""{"model":"mine","temperature":0.2,"messages":[{"role":"user","content":"hi"}]}""") };
            request.Headers.Add("X-Request-Id", "trace-me-7");
            request.Headers.Add("Accept-Encoding", "gzip");
            request.Headers.Authorization = new("Bearer", "client-token-never-forwarded");
            using var response = await host.Client.SendAsync(request);
            var body = await Json(response);
            models.Add((string)body["model"]!);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"openai/{body["model"]}", response.Headers.GetValues("X-Kong-LLM-Model").Single());
            Assert.Equal(i.ToString(), response.Headers.GetValues("X-Actors-Target").Single());
            Assert.Equal("1", response.Headers.GetValues("X-Actors-Attempts").Single());
            Assert.Equal("trace-me-7", response.Headers.GetValues("X-Request-Id").Single());
        }

        Assert.Equal(["gpt-4.1", "gpt-5"], models);
        var sent = Assert.Single(gpt41.Requests);
        Assert.Equal($"Bearer {GatewayNode.ApiKey}", sent.Headers["Authorization"]);
        Assert.Equal("trace-me-7", sent.Headers["X-Request-Id"]);
        Assert.False(sent.Headers.ContainsKey("Accept-Encoding"));
        var json = JsonNode.Parse(sent.Body)!;
        Assert.Equal("gpt-4.1", (string)json["model"]!);
        Assert.Equal(1.0, (double)json["temperature"]!);   // the configured option wins over the client's
        Assert.All(host.Picker.Reports, r => Assert.True(r.Success && r.CompletionTokens == 4 && r.PromptTokens > 0));
        Assert.Equal(2, host.Picker.Reports.Count);
    }

    [Fact]
    public async Task A_failover_status_moves_the_request_to_the_next_target_and_both_attempts_are_reported()
    {
        var (bad, good) = (await FakeAsync(new FakeBehavior { Status = 500 }), await FakeAsync());
        var host = await HostAsync(DeckFile.Route("r", [("bad", bad.ChatUrl), ("good", good.ChatUrl)], "failover_criteria: [error, timeout, http_500, non_idempotent]"));

        using var response = await host.ChatAsync("/r");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("good", (string)(await Json(response))["model"]!);
        Assert.Equal("2", response.Headers.GetValues("X-Actors-Attempts").Single());
        Assert.Equal("1", response.Headers.GetValues("X-Actors-Target").Single());
        var reports = host.Picker.Reports.ToArray();
        Assert.Equal([(0, false), (1, true)], reports.Select(r => (r.TargetIndex, r.Success)));
    }

    [Fact]
    public async Task A_providers_client_error_is_returned_as_is_without_failover()
    {
        var (rejecting, good) = (await FakeAsync(new FakeBehavior { Status = 400 }), await FakeAsync());
        var host = await HostAsync(DeckFile.Route("r", [("rejecting", rejecting.ChatUrl), ("good", good.ChatUrl)]));

        using var response = await host.ChatAsync("/r");

        await AssertError(response, 400, "fake upstream failure 400", "server_error");
        Assert.Equal(0, good.RequestCount);
        Assert.True(Assert.Single(host.Picker.Reports).Success);   // the provider answered: the client's problem
    }

    [Fact]
    public async Task When_every_target_fails_the_last_providers_error_is_returned_in_openais_shape()
    {
        var (a, b) = (await FakeAsync(new FakeBehavior { Status = 503 }), await FakeAsync(new FakeBehavior { Status = 503 }));
        var plain = await Own(RawUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("<html>bad gateway</html>");
        }));
        const string statuses = "retries: 1\nfailover_criteria: [http_502, http_503, non_idempotent]";
        var host = await HostAsync(DeckFile.Combine(DeckFile.Route("openai-shaped", [("a", a.ChatUrl), ("b", b.ChatUrl)], statuses), DeckFile.Route("plain", [("p", plain.Url)], statuses)));

        using var shaped = await host.ChatAsync("/openai-shaped");
        using var other = await host.ChatAsync("/plain");

        await AssertError(shaped, 503, "fake upstream failure 503", "server_error");
        Assert.Equal("openai-shaped", shaped.Headers.GetValues("X-Actors-Route").Single());
        Assert.Equal(1, a.RequestCount + b.RequestCount - 1);
        await AssertError(other, 502, "the provider answered HTTP 502 on every attempt", "upstream_error");
    }

    [Fact]
    public async Task Unreachable_targets_answer_502_and_silent_ones_504_within_the_read_timeout()
    {
        var hanging = await FakeAsync(new FakeBehavior { DelayMs = 10_000 });
        var closed = $"http://127.0.0.1:{FreePorts.Next()}/v1";
        var host = await HostAsync(DeckFile.Combine(DeckFile.Route("unreachable", [("x", closed), ("y", $"http://127.0.0.1:{FreePorts.Next()}/v1")]),
            DeckFile.Route("hanging", [("h", hanging.ChatUrl)], "read_timeout: 300")));

        using var unreachable = await host.ChatAsync("/unreachable");
        var watch = Stopwatch.StartNew();
        using var slow = await host.ChatAsync("/hanging");

        await AssertError(unreachable, 502, "could not be reached", "upstream_error");
        await AssertError(slow, 504, "did not answer within the timeout", "timeout_error");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(9), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_failure_the_route_does_not_fail_over_on_ends_the_request()
    {
        var good = await FakeAsync();
        var host = await HostAsync(DeckFile.Route("r", [("closed", $"http://127.0.0.1:{FreePorts.Next()}/v1"), ("good", good.ChatUrl)], "failover_criteria: [http_500]"));

        using var response = await host.ChatAsync("/r");

        await AssertError(response, 502, "could not be reached", "upstream_error");
        Assert.Equal(0, good.RequestCount);
    }

    [Fact]
    public async Task An_invalid_http_answer_is_an_invalid_header_failure_that_fails_over_only_when_listed_with_non_idempotent()
    {
        var invalid = Own(new InvalidHttpUpstream());
        var good = await FakeAsync();
        var host = await HostAsync(DeckFile.Combine(
            DeckFile.Route("default", [("invalid", invalid.Url), ("good", good.ChatUrl)], "retries: 0"),
            DeckFile.Route("listed", [("invalid", invalid.Url), ("good", good.ChatUrl)], "failover_criteria: [invalid_header, non_idempotent]")));
        host.Picker.Script = (route, excluded) => new PickResult(PickOutcome.Picked, excluded == 0 ? 0 : 1);

        using var stopped = await host.ChatAsync("/default");
        using var failedOver = await host.ChatAsync("/listed");

        await AssertError(stopped, 502, "could not be reached", "upstream_error");
        Assert.Equal(HttpStatusCode.OK, failedOver.StatusCode);
        Assert.Equal("2", failedOver.Headers.GetValues("X-Actors-Attempts").Single());
        Assert.Equal(2, invalid.RequestCount);
        Assert.Equal(1, good.RequestCount);
        // invalid_header always counts against the target, listed or not
        Assert.Equal([(0, false), (0, false), (1, true)], host.Picker.Reports.Select(r => (r.TargetIndex, r.Success)));
    }

    [Theory]
    [InlineData(PickOutcome.NoTarget, 503, "has no available target: every target's circuit is open")]
    [InlineData(PickOutcome.ClusterUnavailable, 503, "the gateway cluster is unavailable; try again")]
    [InlineData(PickOutcome.StaleRevision, 503, "route 'r' is being reconfigured; try again")]
    public async Task A_pick_without_a_target_answers_its_outcome(PickOutcome outcome, int status, string message)
    {
        var fake = await FakeAsync();
        var host = await HostAsync(DeckFile.Route("r", [("m", fake.ChatUrl)]));
        host.Picker.Script = (_, _) => new PickResult(outcome);

        using var response = await host.ChatAsync("/r");

        await AssertError(response, status, message, "service_unavailable_error");
        Assert.Equal(0, fake.RequestCount);
        // a stale revision refreshes the config once and tries again
        Assert.Equal(outcome == PickOutcome.StaleRevision ? (1, 2) : (0, 1), (host.Refresher.Count, host.Picker.Picks));
    }

    [Fact]
    public async Task A_target_whose_variable_is_unset_on_this_node_answers_503_naming_the_variable_not_its_value()
    {
        var fake = await FakeAsync();
        var deck = DeckFile.Route("r", [("m", fake.ChatUrl)]).Replace("DECK_OPENAI_API_KEY", "DECK_OTHER_KEY");
        var host = await HostAsync(deck, unsetOnNode: "DECK_OTHER_KEY");

        using var response = await host.ChatAsync("/r");

        await AssertError(response, 503, "target 0 of route 'r' is misconfigured on this gateway node: environment variable DECK_OTHER_KEY is not set", "service_unavailable_error");
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task Refusals_before_any_pick_use_the_outcome_statuses()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(DeckFile.Route("r", [("m", fake.ChatUrl)]), new GatewaySettings { MaxRequestBodyBytes = 1024 });

        await AssertError(await host.ChatAsync("/nowhere"), 404, "no Route matched with those values", "not_found_error");
        using var get = await host.Client.GetAsync("/r");
        await AssertError(get, 405, "route 'r' accepts only POST chat requests", "invalid_request_error");
        Assert.Equal("POST", get.Content.Headers.Allow.Single());
        await AssertError(await host.ChatAsync("/r", "{}"), 400, "'messages' is required", "invalid_request_error");
        await AssertError(await host.ChatAsync("/r", new string(' ', 2000)), 413, "larger than 1024 bytes", "invalid_request_error");
        Assert.Equal(0, host.Picker.Picks);
    }

    [Fact]
    public async Task A_body_dripped_past_the_request_deadline_gets_408_in_openais_shape()
    {
        var fake = await FakeAsync();
        var host = await HostAsync(DeckFile.Route("r", [("m", fake.ChatUrl)]), new GatewaySettings { RequestDeadline = TimeSpan.FromMilliseconds(500) });
        var watch = Stopwatch.StartNew();

        using var response = await host.Client.PostAsync("/r", new DrippingContent("""{"messages":[{"role":"user","content":"slow"}]}""", TimeSpan.FromMilliseconds(100)));

        await AssertError(response, 408, "did not arrive within the gateway's request deadline", "timeout_error");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"answered after {watch.Elapsed} for a body of about 5 s");
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task Server_sent_events_reach_the_client_as_they_arrive_and_the_usage_is_reported()
    {
        var fake = await FakeAsync(new FakeBehavior { StreamChunkDelayMs = 200 });
        var host = await HostAsync(DeckFile.Route("r", [("m", fake.ChatUrl)]));
        var watch = Stopwatch.StartNew();

        using var response = await host.ChatAsync("/r", """{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        var firstAt = watch.Elapsed;
        var rest = await reader.ReadToEndAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("data: {", first);
        Assert.EndsWith("data: [DONE]\n\n", rest);
        Assert.True(watch.Elapsed - firstAt > TimeSpan.FromMilliseconds(800), $"first event at {firstAt}, end at {watch.Elapsed}");
        var report = Assert.Single(host.Picker.Reports);
        Assert.Equal(4, report.CompletionTokens);
        Assert.True(report.Success);
    }

    [Fact]
    public async Task A_stream_cut_by_the_provider_is_cut_for_the_client_and_counts_against_the_target()
    {
        var fake = await FakeAsync(new FakeBehavior { CutStream = true });
        var host = await HostAsync(DeckFile.Route("r", [("m", fake.ChatUrl)]));

        using var response = await host.ChatAsync("/r", """{"messages":[{"role":"user","content":"hi"}],"stream":true}""", HttpCompletionOption.ResponseHeadersRead);
        var received = await ReadWhatArrivesAsync(response);

        Assert.DoesNotContain("[DONE]", received);
        Assert.False(Assert.Single(await host.Picker.WaitForReportsAsync(1)).Success);
    }

    [Fact]
    public async Task Every_outcome_maps_to_an_error_status_and_a_message()
    {
        foreach (var outcome in Enum.GetValues<Actors.Api.Proxy.ProxyOutcome>())
        {
            var (status, type, message) = Actors.Api.Proxy.ProxyOutcomes.Describe(
                new Actors.Api.Proxy.ProxyAnswer(outcome, "detail", new Actors.Api.Forwarding.HeldBackError(503, [], null), 0), "r");
            Assert.InRange(status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(type));
            Assert.False(string.IsNullOrWhiteSpace(message));
        }
    }

    /// <summary>What the client got before the stream ended or broke off.</summary>
    public static async Task<string> ReadWhatArrivesAsync(HttpResponseMessage response)
    {
        var received = new System.Text.StringBuilder();
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0) received.Append(buffer, 0, read);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // cut: what arrived so far is what the client has
        }
        return received.ToString();
    }
}
