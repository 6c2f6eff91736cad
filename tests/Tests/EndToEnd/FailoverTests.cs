using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>Retries, failover, the cluster-wide circuit breaker and timeouts, against fakes with failure switches.</summary>
[Collection(ProcessCollection.Name)]
public sealed class FailoverTests(GatewayNodeFixture fixture, ITestOutputHelper output) : GatewayProcessTest(fixture), IClassFixture<GatewayNodeFixture>
{
    private Task ApplyAsync(string name, IEnumerable<(string, string)> targets, string balancer) => ApplyAsync(DeckFile.Route(name, targets, balancer));

    [Fact]
    public async Task Every_request_succeeds_beside_a_500_a_hang_and_a_closed_port_and_the_bad_ones_get_a_handful_of_tries()
    {
        var failing = await FakeAsync(new FakeBehavior { Status = 500 });
        var hanging = await FakeAsync(new FakeBehavior { DelayMs = 10_000 });
        var good1 = await FakeAsync();
        var good2 = await FakeAsync();
        var closed = $"http://127.0.0.1:{FreePorts.Next()}/v1/chat/completions";
        await ApplyAsync("mixed",
            [("bad-500", failing.ChatUrl), ("bad-hang", hanging.ChatUrl), ("bad-closed", closed), ("good-1", good1.ChatUrl), ("good-2", good2.ChatUrl)],
            "read_timeout: 400\nconnect_timeout: 400\nmax_fails: 3\nfail_timeout: 60000\nfailover_criteria: [error, timeout, http_500, non_idempotent]");

        var statuses = new List<HttpStatusCode>();
        var attempts = new List<int>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            using var response = await Node.ChatAsync("/mixed");
            statuses.Add(response.StatusCode);
            attempts.Add(int.Parse(response.Headers.GetValues("X-Actors-Attempts").Single()));
            Assert.StartsWith("good-", (string)(await Json(response))["model"]!);
        }

        var state = await BalancerAsync("mixed");
        var targets = state["targets"]!.AsArray();
        output.WriteLine($"40 requests in {watch.ElapsedMilliseconds} ms; attempts per request: {string.Join(",", attempts)}");
        output.WriteLine($"tries: 500 -> {failing.RequestCount}, hang -> {hanging.RequestCount}, closed -> {(long)targets[2]!["failures"]!}; good: {good1.RequestCount} + {good2.RequestCount}");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(3, failing.RequestCount);
        Assert.Equal(3, hanging.RequestCount);
        Assert.Equal(40, good1.RequestCount + good2.RequestCount);
        foreach (var bad in targets.Take(3))
        {
            Assert.False((bool)bad!["healthy"]!);
            Assert.Equal("open", (string)bad["circuit"]!);
            Assert.Equal(3, (int)bad["circuit_fails"]!);
            Assert.True(DateTimeOffset.Parse((string)bad["retry_at"]!) > DateTimeOffset.UtcNow.AddSeconds(30));
        }
        Assert.Equal(3, (long)targets[2]!["failures"]!);
        Assert.All(targets.Skip(3), good => Assert.True((bool)good!["healthy"]!));
    }

    /// <summary>Target <paramref name="index"/>'s failure counter, once the one-way reports have reached the route grain.</summary>
    private async Task<long> FailuresAsync(string route, int index, long expected)
    {
        long failures = -1;
        for (var i = 0; i < 100 && failures != expected; i++)
        {
            if (i > 0) await Task.Delay(50);
            failures = (long)(await BalancerAsync(route))["targets"]![index]!["failures"]!;
        }
        return failures;
    }

    private static int Attempts(HttpResponseMessage response) => int.Parse(response.Headers.GetValues("X-Actors-Attempts").Single());

    /// <summary>Two requests, so the failing target (either of the two in the rotation) is picked first once.</summary>
    private async Task<List<(HttpStatusCode Status, int Attempts, JsonNode Body)>> TwiceAsync(string route)
    {
        var answers = new List<(HttpStatusCode, int, JsonNode)>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await Node.ChatAsync("/" + route);
            answers.Add((response.StatusCode, Attempts(response), await Json(response)));
        }
        return answers;
    }

    [Fact]
    public async Task Kongs_default_criteria_return_a_500_and_a_read_timeout_of_a_sent_request_but_fail_over_from_a_refused_connection()
    {
        var failing = await FakeAsync(new FakeBehavior { Status = 500 });
        var hanging = await FakeAsync(new FakeBehavior { DelayMs = 10_000 });
        var good = await FakeAsync();
        var closed = $"http://127.0.0.1:{FreePorts.Next()}/v1/chat/completions";
        await ApplyAsync(DeckFile.Combine(
            DeckFile.Route("default-500", [("bad-500", failing.ChatUrl), ("good", good.ChatUrl)]),
            DeckFile.Route("default-hang", [("bad-hang", hanging.ChatUrl), ("good", good.ChatUrl)], "read_timeout: 300"),
            DeckFile.Route("default-closed", [("bad-closed", closed), ("good", good.ChatUrl)])));

        var on500 = await TwiceAsync("default-500");
        var onHang = await TwiceAsync("default-hang");
        var onClosed = await TwiceAsync("default-closed");

        // the provider's 500 reaches the client as it sent it, after one attempt
        Assert.Contains(on500, a => a.Status == HttpStatusCode.InternalServerError && a.Attempts == 1
            && (string)a.Body["error"]!["message"]! == "fake upstream failure 500");
        Assert.Equal(1, failing.RequestCount);
        // the read timeout ends the request with 504 after one attempt
        Assert.Contains(onHang, a => a.Status == HttpStatusCode.GatewayTimeout && a.Attempts == 1);
        Assert.Equal(1, hanging.RequestCount);
        // a refused connection never reached the provider: the request goes to the next target
        Assert.All(onClosed, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal([1, 2], onClosed.Select(a => a.Attempts).Order());
        Assert.Equal(4, good.RequestCount);
        // error and timeout count against the target; a 500 not listed in failover_criteria does not
        Assert.Equal(1, await FailuresAsync("default-hang", 0, 1));
        Assert.Equal(1, await FailuresAsync("default-closed", 0, 1));
        Assert.Equal(0, (long)(await BalancerAsync("default-500"))["targets"]![0]!["failures"]!);
    }

    [Fact]
    public async Task With_non_idempotent_and_http_500_listed_a_500_fails_over()
    {
        var failing = await FakeAsync(new FakeBehavior { Status = 500 });
        var good = await FakeAsync();
        await ApplyAsync(DeckFile.Combine(
            DeckFile.Route("listed-500", [("bad-500", failing.ChatUrl), ("good", good.ChatUrl)], "failover_criteria: [http_500, non_idempotent]"),
            DeckFile.Route("without-non-idempotent", [("bad-500", failing.ChatUrl), ("good", good.ChatUrl)], "failover_criteria: [error, timeout, http_500]")));

        var failingOver = await TwiceAsync("listed-500");
        var stopping = await TwiceAsync("without-non-idempotent");

        Assert.All(failingOver, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal([1, 2], failingOver.Select(a => a.Attempts).Order());
        // http_500 alone does not resend a POST that reached the provider, but the 500 counts against the target
        Assert.Contains(stopping, a => a.Status == HttpStatusCode.InternalServerError && a.Attempts == 1);
        Assert.Equal(1, await FailuresAsync("without-non-idempotent", 0, 1));
    }

    [Fact]
    public async Task With_max_fails_0_the_default_the_circuit_never_opens()
    {
        var failing = await FakeAsync(new FakeBehavior { Status = 500 });
        var good = await FakeAsync();
        await ApplyAsync("no-breaker", [("bad-500", failing.ChatUrl), ("good", good.ChatUrl)], "failover_criteria: [http_500, non_idempotent]");

        for (var i = 0; i < 20; i++)
        {
            using var response = await Node.ChatAsync("/no-breaker");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(failing.RequestCount, await FailuresAsync("no-breaker", 0, failing.RequestCount));
        var bad = (await BalancerAsync("no-breaker"))["targets"]![0]!;
        output.WriteLine($"the failing target was tried {failing.RequestCount} times in 20 requests");
        Assert.Equal(20, good.RequestCount);
        Assert.InRange(failing.RequestCount, 10, 20);       // still in the rotation after 10+ failures
        Assert.Equal("closed", (string)bad["circuit"]!);
        Assert.True((bool)bad["healthy"]!);
        Assert.Equal(failing.RequestCount, (int)bad["circuit_fails"]!);
        Assert.Null(bad["retry_at"]);
    }

    [Fact]
    public async Task Retries_go_back_to_the_only_target()
    {
        var failing = await FakeAsync(new FakeBehavior { Status = 500 });
        var closed = $"http://127.0.0.1:{FreePorts.Next()}/v1/chat/completions";
        await ApplyAsync(DeckFile.Combine(
            DeckFile.Route("alone-500", [("bad-500", failing.ChatUrl)], "retries: 2\nfailover_criteria: [http_500, non_idempotent]"),
            DeckFile.Route("alone-closed", [("bad-closed", closed)], "retries: 3")));

        using var on500 = await Node.ChatAsync("/alone-500");
        using var onClosed = await Node.ChatAsync("/alone-closed");

        Assert.Equal(HttpStatusCode.InternalServerError, on500.StatusCode);
        Assert.Equal("fake upstream failure 500", (string)(await Json(on500))["error"]!["message"]!);
        Assert.Equal(3, Attempts(on500));
        Assert.Equal(3, failing.RequestCount);
        Assert.Equal(HttpStatusCode.BadGateway, onClosed.StatusCode);
        Assert.Equal(4, Attempts(onClosed));
        Assert.Equal(4, await FailuresAsync("alone-closed", 0, 4));
    }

    [Fact]
    public async Task A_client_error_from_the_provider_is_returned_as_is_without_failover()
    {
        var rejecting = await FakeAsync(new FakeBehavior { Status = 400 });
        var good = await FakeAsync();
        await ApplyAsync("client-error", [("rejecting", rejecting.ChatUrl), ("good", good.ChatUrl)], "");

        using var response = await Node.ChatAsync("/client-error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("fake upstream failure 400", (string)(await Json(response))["error"]!["message"]!);
        Assert.Equal("1", response.Headers.GetValues("X-Actors-Attempts").Single());
        Assert.Equal(0, good.RequestCount);
    }

    [Fact]
    public async Task When_every_target_fails_the_last_provider_error_is_returned_then_open_circuits_answer_503_at_once()
    {
        var a = await FakeAsync(new FakeBehavior { Status = 503 });
        var b = await FakeAsync(new FakeBehavior { Status = 503 });
        await ApplyAsync("all-down", [("a", a.ChatUrl), ("b", b.ChatUrl)], "max_fails: 2\nfail_timeout: 60000\nretries: 1\nfailover_criteria: [error, timeout, http_503, non_idempotent]");

        for (var i = 0; i < 2; i++)
        {
            using var failed = await Node.ChatAsync("/all-down");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("fake upstream failure 503", (string)(await Json(failed))["error"]!["message"]!);
        }
        Assert.Equal(2, a.RequestCount);
        Assert.Equal(2, b.RequestCount);

        var watch = Stopwatch.StartNew();
        using var open = await Node.ChatAsync("/all-down");
        var error = (await Json(open))["error"]!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
        Assert.Contains("every target's circuit is open", (string)error["message"]!);
        Assert.Equal("service_unavailable_error", (string)error["type"]!);
        Assert.Equal(2, a.RequestCount + b.RequestCount - 2);
        output.WriteLine($"503 with every circuit open answered in {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Unreachable_targets_give_502_and_hanging_ones_504_within_the_deadline()
    {
        var hanging = await FakeAsync(new FakeBehavior { DelayMs = 10_000 });
        await ApplyAsync("unreachable", [("x", $"http://127.0.0.1:{FreePorts.Next()}/v1"), ("y", $"http://127.0.0.1:{FreePorts.Next()}/v1")], "max_fails: 0");
        using var unreachable = await Node.ChatAsync("/unreachable");
        Assert.Equal(HttpStatusCode.BadGateway, unreachable.StatusCode);
        Assert.Contains("could not be reached", (string)(await Json(unreachable))["error"]!["message"]!);

        await ApplyAsync("hanging", [("h", hanging.ChatUrl)], "read_timeout: 300\nretries: 2\nmax_fails: 0");
        var watch = Stopwatch.StartNew();
        using var slow = await Node.ChatAsync("/hanging");
        Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
        Assert.Equal("timeout_error", (string)(await Json(slow))["error"]!["type"]!);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(9), $"took {watch.Elapsed}");
        output.WriteLine($"504 after {watch.ElapsedMilliseconds} ms: one target, read_timeout 300 ms (a POST that reached the provider is not sent again by default)");
    }

    [Fact]
    public async Task An_open_circuit_lets_one_probe_through_after_fail_timeout_and_closes_when_it_succeeds()
    {
        var flaky = await FakeAsync(new FakeBehavior { Status = 502 });
        var good = await FakeAsync();
        await ApplyAsync("probe", [("flaky", flaky.ChatUrl), ("good", good.ChatUrl)], "max_fails: 1\nfail_timeout: 1000\nfailover_criteria: [error, timeout, http_502, non_idempotent]");

        (await Node.ChatAsync("/probe")).Dispose();    // flaky fails once, fails over to good: circuit opens
        Assert.Equal("open", (string)(await BalancerAsync("probe"))["targets"]![0]!["circuit"]!);
        for (var i = 0; i < 4; i++) (await Node.ChatAsync("/probe")).Dispose();
        Assert.Equal(1, flaky.RequestCount);              // skipped while open

        flaky.Apply(new FakeBehavior());
        await Task.Delay(1200);
        var models = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await Node.ChatAsync("/probe");
            models.Add((string)(await Json(response))["model"]!);
        }

        Assert.Contains("flaky", models);
        var state = (await BalancerAsync("probe"))["targets"]![0]!;
        Assert.Equal("closed", (string)state["circuit"]!);
        Assert.Equal(0, (int)state["circuit_fails"]!);
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_upstream_call()
    {
        var slow = await FakeAsync(new FakeBehavior { DelayMs = 20_000 });
        await ApplyAsync("cancel", [("slow", slow.ChatUrl)], "");

        // the client leaves once the provider has the request, however long the gateway took to get it there
        using var impatient = new HttpClient();
        using var leave = new CancellationTokenSource();
        var call = impatient.PostAsync(Node.ProxyUrl + "/cancel",
            new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"), leave.Token);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (slow.RequestCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => call);

        deadline = DateTime.UtcNow.AddSeconds(10);
        while (slow.CancelledCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(1, slow.CancelledCount);
    }
}
