using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;

namespace Actors.Tests.EndToEnd;

/// <summary>key-auth, a consumer's rate limit and the per-route concurrency cap, through a running node.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ClientAccessTests : GatewayProcessTest
{
    private const string AliceKey = "alice-key-7c1e9b3f5a";
    private FakeOpenAIServer _fake = null!;

    protected override IEnumerable<string> NodeArguments => ["--Gateway:MaxConcurrentRequestsPerRoute", "2"];
    protected override IDictionary<string, string> NodeEnvironment => new Dictionary<string, string> { ["DECK_ALICE_KEY"] = AliceKey };

    protected override async Task SetUpAsync()
    {
        _fake = await FakeAsync();
        var route = DeckFile.Route("guarded", [("m", _fake.ChatUrl)], "");
        var yaml = route.Replace("    plugins:\n", "    plugins:\n    - name: key-auth\n      config: {key_names: [apikey]}\n")
            + """
            consumers:
            - username: alice
              keyauth_credentials:
              - key: ${{ env "DECK_ALICE_KEY" }}
            - username: carol
              keyauth_credentials:
              - key: carol-key-0f4d2a
              plugins:
              - name: rate-limiting
                config: {minute: 3}
            """ + "\n";
        await ApplyAsync(yaml);
    }

    private Task<HttpResponseMessage> SendAsync(string? headerKey = null, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/guarded" + query)
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        if (headerKey is not null) request.Headers.Add("apikey", headerKey);
        return Node.Http.SendAsync(request);
    }

    [Fact]
    public async Task Only_a_consumers_key_gets_through_and_it_is_never_forwarded()
    {
        using var none = await SendAsync();
        using var wrong = await SendAsync("not-a-key-at-all");
        using var header = await SendAsync(AliceKey);
        using var query = await SendAsync(query: "?apikey=" + AliceKey);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("No API key found in request", (string)JsonNode.Parse(await none.Content.ReadAsStringAsync())!["error"]!["message"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Equal(2, _fake.RequestCount);
        Assert.All(_fake.Requests, r =>
        {
            Assert.False(r.Headers.ContainsKey("apikey"));
            Assert.DoesNotContain(AliceKey, r.PathAndQuery + r.Body);
        });
        var config = await Node.Http.GetStringAsync(Node.AdminUrl + "/config");
        Assert.DoesNotContain(AliceKey, config);
        Assert.Contains("\"username\": \"alice\"", config);
    }

    [Fact]
    public async Task A_consumer_over_its_rate_limit_gets_429_with_retry_after()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await SendAsync("carol-key-0f4d2a");
            statuses.Add(last.StatusCode);
        }
        var elapsed = sending.Elapsed;

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // 3 a minute refill one request every 20 s, counted from the first request: the wait is 20 s less the time the
        // five requests took, rounded up (exactly 20 s when they took under a second).
        var retryAfter = last!.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(Math.Ceiling(20 - elapsed.TotalSeconds)), TimeSpan.FromSeconds(20));
        Assert.Equal("rate_limit_error", (string)JsonNode.Parse(await last.Content.ReadAsStringAsync())!["error"]!["type"]!);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(AliceKey)).StatusCode); // another consumer is not affected
    }

    [Fact]
    public async Task An_Anthropic_routes_consumer_over_its_rate_limit_gets_Anthropics_rate_limit_error_with_retry_after()
    {
        var route = DeckFile.Route("claude", [("m", _fake.ChatUrl)], "")
            .Replace("      config:\n", "      config:\n        llm_format: anthropic\n")
            .Replace("    plugins:\n", "    plugins:\n    - name: key-auth\n      config: {key_names: [apikey]}\n");
        await ApplyAsync(route + "consumers:\n- username: erin\n  keyauth_credentials:\n  - key: erin-key-93ac1d\n"
            + "  plugins:\n  - name: rate-limiting\n    config: {minute: 1}\n");
        Task<HttpResponseMessage> AskAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/claude/v1/messages")
            {
                Content = new StringContent("""{"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("apikey", "erin-key-93ac1d");
            return Node.Http.SendAsync(request);
        }

        using var first = await AskAsync();
        using var second = await AskAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        var error = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal("error", (string)error["type"]!);
        Assert.Equal("rate_limit_error", (string)error["error"]!["type"]!);
        Assert.Equal("API rate limit exceeded for consumer 'erin'", (string)error["error"]!["message"]!);
    }

    [Fact]
    public async Task More_concurrent_requests_than_the_cap_get_429()
    {
        _fake.Apply(new FakeBehavior { DelayMs = 1000 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => SendAsync(AliceKey)));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.NotNull(r.Headers.RetryAfter));
        _fake.Apply(new FakeBehavior());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(AliceKey)).StatusCode); // slots are given back
    }
}
