using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Actors.Tests.Support;

/// <summary>An API node process with its proxy and admin listeners on free loopback ports.</summary>
public sealed class GatewayNode : IAsyncDisposable
{
    public const string ApiKey = "sk-e2e-4f9c1d7a2b";

    private GatewayNode(ManagedProcess process, int proxyPort, int adminPort)
    {
        Process = process;
        ProxyUrl = $"http://127.0.0.1:{proxyPort}";
        AdminUrl = $"http://127.0.0.1:{adminPort}";
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public ManagedProcess Process { get; }
    public int ProxyPort => new Uri(ProxyUrl).Port;
    public int AdminPort => new Uri(AdminUrl).Port;
    public string ProxyUrl { get; }
    public string AdminUrl { get; }
    public HttpClient Http { get; }

    /// <summary>Starts an embedded-mode API node exactly as a user would, configured by command-line arguments.</summary>
    public static Task<GatewayNode> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string>? environment = null, string name = "api") =>
        StartAsync(FreePorts.Next(), FreePorts.Next(),
            ["--Cluster:SiloPort", FreePorts.Next().ToString(), "--Cluster:GatewayPort", FreePorts.Next().ToString(), .. extraArgs ?? []],
            environment, name);

    /// <summary>Starts an API node on the given ports (a restarted node keeps its ports).</summary>
    public static async Task<GatewayNode> StartAsync(int proxyPort, int adminPort, IEnumerable<string> extraArgs, IDictionary<string, string>? environment = null, string name = "api")
    {
        var args = new List<string>
        {
            "--urls", $"http://127.0.0.1:{proxyPort}",
            "--Admin:Urls", $"http://127.0.0.1:{adminPort}",
        };
        args.AddRange(extraArgs);
        var env = new Dictionary<string, string> { ["DECK_OPENAI_API_KEY"] = ApiKey };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var node = new GatewayNode(ManagedProcess.Start(name, "Api", args, env), proxyPort, adminPort);
        await node.Process.WaitUntilHealthyAsync(node.AdminUrl + "/healthz", TimeSpan.FromSeconds(60));
        return node;
    }

    public Task<HttpResponseMessage> PostConfigAsync(string text, string mediaType = "application/yaml") =>
        Http.PostAsync(AdminUrl + "/config", new StringContent(text, Encoding.UTF8, mediaType));

    public Task<HttpResponseMessage> ChatAsync(string path, string body = """{"messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}]}""")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ProxyUrl + path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token-never-forwarded");
        return Http.SendAsync(request);
    }

    /// <summary>The route grain's live state, <c>GET /routes/{route}/balancer</c> on the admin listener.</summary>
    public Task<JsonNode> BalancerAsync(string route) => AdminJsonAsync($"/routes/{route}/balancer");

    /// <summary>An admin endpoint's JSON answer, e.g. <c>/config</c>.</summary>
    public async Task<JsonNode> AdminJsonAsync(string path) => JsonNode.Parse(await Http.GetStringAsync(AdminUrl + path))!;

    /// <summary>The resident set of the node's process now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Process.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
