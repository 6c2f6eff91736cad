using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>
/// Thousands of random and mutated chat requests and headers against a live node: every answer is below 500 and
/// the node is still serving at the end. The seed is printed so a failure can be replayed.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FuzzTests(GatewayNodeFixture fixture, ITestOutputHelper output) : GatewayProcessTest(fixture), IClassFixture<GatewayNodeFixture>
{
    private const int Requests = 3000;
    private FakeOpenAIServer _fake = null!;

    protected override async Task SetUpAsync()
    {
        // not recording: thousands of requests would pile up in the fake's memory
        _fake = Own(FakeOpenAIServer.Create(["--urls", $"http://127.0.0.1:{FreePorts.Next()}"], record: false));
        await _fake.StartAsync();
        await ApplyAsync(SeedFiles.SeedYamlWithUpstreams(_fake.ChatUrl, _fake.ChatUrl));
    }

    private const string Valid = """{"model":"x","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Who is considered the greatest Polish writer?"}],"temperature":0.3,"max_tokens":64,"stream":false,"user":"u-1"}""";

    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/yaml", "garbage/;;;", "*/*"];

    private static readonly string[] Fragments =
        ["null", "true", "false", "0", "-1", "1e400", "\"\"", "\"\\u0000\"", "[]", "{}", "[[[[[[", "}}}}", "\"\\ud800\"", "NaN", "\"messages\"", "{\"role\":1}", "[{\"role\":\"user\"}]"];

    private static byte[] Body(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Valid).ToList();
        switch (random.Next(8))
        {
            case 0: // random bytes
                return Enumerable.Range(0, random.Next(0, 300)).Select(_ => (byte)random.Next(256)).ToArray();
            case 1: // flip some bytes
                for (var i = random.Next(1, 6); i > 0; i--) bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                return [.. bytes];
            case 2: // truncate
                return [.. bytes.Take(random.Next(bytes.Count))];
            case 3: // splice a fragment somewhere
                bytes.InsertRange(random.Next(bytes.Count), Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                return [.. bytes];
            case 4: // replace a known field's value with a fragment
                var field = new[] { "model", "messages", "temperature", "max_tokens", "stream", "user" }[random.Next(6)];
                var json = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
                json.Remove(field);
                var text = json.ToJsonString();
                return Encoding.UTF8.GetBytes(text.Insert(1, $"\"{field}\":{Fragments[random.Next(Fragments.Length)]},"));
            case 5: // delete a range
                var start = random.Next(bytes.Count);
                bytes.RemoveRange(start, Math.Min(bytes.Count - start, random.Next(1, 40)));
                return [.. bytes];
            case 6: // duplicate a range
                var from = random.Next(bytes.Count);
                var length = Math.Min(bytes.Count - from, random.Next(1, 60));
                bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(from, length));
                return [.. bytes];
            default: // valid, sometimes streaming
                return Encoding.UTF8.GetBytes(random.Next(2) == 0 ? Valid : Valid.Replace("\"stream\":false", "\"stream\":true"));
        }
    }

    private static HttpRequestMessage Request(Random random, string url)
    {
        var method = random.Next(20) == 0 ? new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete }[random.Next(4)] : HttpMethod.Post;
        var path = random.Next(10) == 0 ? "/route1" + new string((char)random.Next('a', 'z'), random.Next(1, 5)) : "/route1";
        var request = new HttpRequestMessage(method, url + path);
        if (method != HttpMethod.Get)
        {
            var content = new ByteArrayContent(Body(random));
            content.Headers.TryAddWithoutValidation("Content-Type", ContentTypes[random.Next(ContentTypes.Length)]);
            request.Content = content;
        }
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            var name = "X-" + new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
            var value = new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => (char)random.Next(0x20, 0x7f)).ToArray());
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (random.Next(4) == 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-" + random.Next());
        if (random.Next(6) == 0) request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        if (random.Next(8) == 0) request.Headers.TryAddWithoutValidation("X-Request-Id", new string('r', random.Next(1, 300)));
        return request;
    }

    [Fact]
    public async Task Random_and_mutated_requests_never_get_a_5xx_and_never_crash_the_node()
    {
        var node = Node;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentBag<string>();
        var next = -1;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var random = new Random(seed + worker);
            while (Interlocked.Increment(ref next) < Requests)
            {
                using var request = Request(random, node.ProxyUrl);
                var body = request.Content is null ? "" : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync());
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if ((int)response.StatusCode >= 500) serverErrors.Add($"{(int)response.StatusCode} for {request.Method} {body}: {text}");
            }
        }));

        output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        foreach (var error in serverErrors.Take(5)) output.WriteLine(error);
        Assert.Empty(serverErrors);
        Assert.Equal(Requests, statuses.Values.Sum());
        Assert.True(statuses.GetValueOrDefault(200) > 0 && statuses.GetValueOrDefault(400) > 0, "the fuzz reached both outcomes");
        Assert.False(node.Process.HasExited);
        using var still = await node.ChatAsync("/route1");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Mutated_config_documents_never_get_a_5xx()
    {
        var node = Node;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var original = Encoding.UTF8.GetBytes(SeedFiles.SeedYamlWithUpstreams(_fake.ChatUrl, _fake.ChatUrl));
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < 300; i++)
        {
            var bytes = original.ToList();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 20))); break;
                    default: bytes.InsertRange(at, Encoding.UTF8.GetBytes(new[] { ":", "- ", "&a ", "*a", "\t", "{", "]", "\n  ", "'" }[random.Next(9)])); break;
                }
            }
            var content = new ByteArrayContent([.. bytes]);
            content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(4) == 0 ? "application/json" : "application/yaml");
            using var response = await node.Http.PostAsync(node.AdminUrl + "/config", content);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is 200 or 400, $"status {status} for:\n{Encoding.UTF8.GetString([.. bytes])}\n{await response.Content.ReadAsStringAsync()}");
        }
        output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
    }
}
