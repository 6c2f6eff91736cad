using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>Admin auth, request ids, one structured log line per request, and Prometheus metrics.</summary>
[Collection(ProcessCollection.Name)]
public sealed class OperabilityTests(ITestOutputHelper output) : GatewayProcessTest
{
    private const string Token = "admin-token-0123456789abcdef";
    private FakeOpenAIServer _good = null!;
    private FakeOpenAIServer _bad = null!;
    private const string FailOverOn503 = "failover_criteria: [error, timeout, http_503, non_idempotent]";

    protected override IEnumerable<string> NodeArguments => ["--Admin:Token", Token, "--Logging:Format", "json"];

    protected override async Task SetUpAsync()
    {
        _good = await FakeAsync();
        _bad = await FakeAsync(args: ["--Fake:Status", "503"]);
        Node.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var config = DeckFile.Route("ops", [("bad", _bad.ChatUrl), ("good", _good.ChatUrl)], $"max_fails: 0\n{FailOverOn503}")
            .Replace("{upstream_url: '" + _good.ChatUrl + "'}", "{upstream_url: '" + _good.ChatUrl + "', input_cost: 2.5, output_cost: 10}");
        await ApplyAsync(config);
    }

    [Fact]
    public async Task The_admin_api_needs_the_token_as_bearer_or_basic_password_but_health_probes_do_not()
    {
        using var anonymous = new HttpClient();
        using var denied = await anonymous.GetAsync(Node.AdminUrl + "/config");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("authentication_error", (string)JsonNode.Parse(await denied.Content.ReadAsStringAsync())!["error"]!["type"]!);
        Assert.Contains("Basic", denied.Headers.WwwAuthenticate.ToString());

        foreach (var path in new[] { "/config", "/routes/ops/balancer", "/metrics", "/dashboard/", "/dashboard/routes" })
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, Node.AdminUrl + path);
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Node.Http.GetAsync(Node.AdminUrl + path)).StatusCode);
        }

        using var basic = new HttpRequestMessage(HttpMethod.Get, Node.AdminUrl + "/dashboard/");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + Token)));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(basic)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Node.AdminUrl + "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(Node.AdminUrl + "/readyz")).StatusCode);
    }

    [Fact]
    public async Task A_non_loopback_admin_listener_without_a_token_refuses_to_start()
    {
        await using var process = ManagedProcess.Start("api", "Api", ["--Admin:Urls", $"http://0.0.0.0:{FreePorts.Next()}", "--urls", $"http://127.0.0.1:{FreePorts.Next()}"]);

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("is not a loopback address; set Admin:Token", process.Output);
    }

    [Fact]
    public async Task Request_ids_go_in_and_out_and_every_request_gets_one_json_log_line()
    {
        using var given = new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/ops")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"a secret question"}]}""", Encoding.UTF8, "application/json"),
        };
        given.Headers.Add("X-Request-Id", "trace-me-42");
        using var response = await Node.Http.SendAsync(given);
        using var generated = await Node.ChatAsync("/ops");

        Assert.Equal("trace-me-42", response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(32, generated.Headers.GetValues("X-Request-Id").Single().Length);
        Assert.Contains(_good.Requests, r => r.Headers.GetValueOrDefault("X-Request-Id") == "trace-me-42");

        await Task.Delay(300); // the console logger writes asynchronously
        var line = Node.Process.Output.Split('\n').Single(l => l.Contains("\"RequestId\":\"trace-me-42\""));
        var state = JsonNode.Parse(line)!["State"]!;
        output.WriteLine(line);
        Assert.Equal("ops", (string)state["Route"]!);
        Assert.Equal("openai/good", (string)state["Target"]!);
        Assert.Equal(200, (int)state["Status"]!);
        Assert.True((int)state["Attempts"]! >= 1);
        Assert.True((long)state["CompletionTokens"]! > 0);
        Assert.DoesNotContain("a secret question", Node.Process.Output);   // no bodies in logs
    }

    [Fact]
    public async Task Metrics_use_kongs_names_and_count_requests_tokens_cost_latency_and_failovers()
    {
        for (var i = 0; i < 4; i++) (await Node.ChatAsync("/ops")).Dispose();

        var text = await Node.Http.GetStringAsync(Node.AdminUrl + "/metrics");

        string Line(string prefix, params string[] labels) =>
            text.Split('\n').Single(l => l.StartsWith(prefix + "{", StringComparison.Ordinal) && labels.All(l.Contains));
        static IEnumerable<string> LabelNames(string line) =>
            line[(line.IndexOf('{') + 1)..line.LastIndexOf('}')].Split("\",").Select(pair => pair[..pair.IndexOf('=')].TrimStart(','));
        double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        // Kong's series: Kong's names and exactly Kong's labels (no cache here, so its labels are empty).
        string[] kongLabels = ["ai_provider", "ai_model", "cache_status", "vector_db", "embeddings_provider", "embeddings_model", "workspace"];
        Assert.True(Value(Line("ai_llm_requests_total", "ai_model=\"bad\"")) >= 2);
        Assert.Equal(4, Value(Line("ai_llm_requests_total", "ai_model=\"good\"")));
        Assert.Equal(16, Value(Line("ai_llm_tokens_total", "ai_model=\"good\"", "token_type=\"completion_tokens\"")));
        Assert.Equal(Value(Line("ai_llm_tokens_total", "ai_model=\"good\"", "token_type=\"prompt_tokens\"")) + 16,
            Value(Line("ai_llm_tokens_total", "ai_model=\"good\"", "token_type=\"total_tokens\"")));
        Assert.True(Value(Line("ai_llm_cost_total", "ai_model=\"good\"")) > 0);
        Assert.Equal(4, Value(Line("ai_llm_provider_latency_ms_count", "ai_model=\"good\"")));
        foreach (var name in new[] { "ai_llm_requests_total", "ai_llm_cost_total", "ai_llm_provider_latency_ms_count" })
            Assert.Equal(kongLabels.Order(), LabelNames(Line(name, "ai_model=\"good\"")).Order());
        Assert.Equal(kongLabels.Append("token_type").Order(), LabelNames(Line("ai_llm_tokens_total", "ai_model=\"good\"", "token_type=\"total_tokens\"")).Order());
        Assert.Contains("workspace=\"default\"", Line("ai_llm_requests_total", "ai_model=\"good\""));
        Assert.Contains("cache_status=\"\"", Line("ai_llm_requests_total", "ai_model=\"good\""));

        // Ours, per route and status.
        Assert.Equal(4, Value(Line("actors_attempts_total", "route=\"ops\"", "ai_model=\"good\"", "status=\"200\"")));
        Assert.True(Value(Line("actors_attempts_total", "route=\"ops\"", "ai_model=\"bad\"", "status=\"503\"")) >= 2);
        Assert.Equal(16, Value(Line("actors_tokens_total", "route=\"ops\"", "ai_model=\"good\"", "token_type=\"completion\"")));
        Assert.True(Value(Line("actors_failovers_total", "ai_model=\"bad\"", "reason=\"status\"")) >= 2);
    }

    [Fact]
    public async Task The_circuit_state_is_a_gauge()
    {
        await Node.PostConfigAsync(DeckFile.Route("ops", [("bad", _bad.ChatUrl), ("good", _good.ChatUrl)], $"max_fails: 1\nfail_timeout: 600000\n{FailOverOn503}"));
        for (var i = 0; i < 3; i++) (await Node.ChatAsync("/ops")).Dispose();

        string? open = null, closed = null;
        for (var i = 0; i < 80 && (open is null || closed is null); i++)
        {
            await Task.Delay(250); // the gauge is refreshed from the grains every 5 s
            var lines = (await Node.Http.GetStringAsync(Node.AdminUrl + "/metrics")).Split('\n');
            open = lines.FirstOrDefault(l => l.StartsWith("actors_circuit_open{") && l.Contains("ai_model=\"bad\"") && l.EndsWith(" 1"));
            closed = lines.FirstOrDefault(l => l.StartsWith("actors_circuit_open{") && l.Contains("ai_model=\"good\"") && l.EndsWith(" 0"));
        }
        Assert.NotNull(open);
        Assert.NotNull(closed);
    }
}
