using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

/// <summary>Hostile input on the proxy and the admin API: always a 4xx in OpenAI's error shape, never a 5xx or a crash.</summary>
[Collection(ProcessCollection.Name)]
public sealed class HostileInputTests(GatewayNodeFixture fixture, ITestOutputHelper output) : GatewayProcessTest(fixture), IClassFixture<GatewayNodeFixture>
{
    private FakeOpenAIServer _fake = null!;
    private string _config = "";
    private long _version;

    protected override async Task SetUpAsync()
    {
        _fake = await FakeAsync();
        _config = SeedFiles.SeedYamlWithUpstreams(_fake.ChatUrl, _fake.ChatUrl);
        using var applied = await Node.PostConfigAsync(_config);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        _version = (long)JsonNode.Parse(await applied.Content.ReadAsStringAsync())!["version"]!;
    }

    private static async Task AssertOpenAIError(HttpResponseMessage response, int status, string? type = "invalid_request_error")
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        if (type is not null) Assert.Equal(type, (string)error["type"]!);
    }

    private Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Node.Http.PostAsync(Node.ProxyUrl + path, content);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "invalid JSON", "{\"messages\": [" },
        { "empty object", "{}" },
        { "messages not an array", "{\"messages\": {\"role\": \"user\"}}" },
        { "messages empty", "{\"messages\": []}" },
        { "a JSON array", "[{\"role\": \"user\", \"content\": \"hi\"}]" },
        { "form-encoded", "messages=hello&model=gpt-5" },
        { "NUL bytes", "{\"messages\": [{\"role\": \"user\", \"content\": \"a\0b\"}]}" },
        { "model an object", "{\"model\": {}, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" },
        { "stream a string", "{\"stream\": \"yes\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000) },
        { "just a number", "42" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_chat_bodies_get_400(string name, string body)
    {
        using var response = await PostRawAsync("/route1", Encoding.UTF8.GetBytes(body), name == "form-encoded" ? "application/x-www-form-urlencoded" : "application/json");
        await AssertOpenAIError(response, 400);
        Assert.Equal(0, _fake.RequestCount);
    }

    [Fact]
    public async Task Invalid_utf8_gets_400_and_an_oversized_body_413()
    {
        byte[] invalid = [.. "{\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xFF, 0xFE, .. "\"}]}"u8];
        await AssertOpenAIError(await PostRawAsync("/route1", invalid), 400);

        var huge = new byte[9 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        await AssertOpenAIError(await PostRawAsync("/route1", huge), 413);
        Assert.Equal(0, _fake.RequestCount);
    }

    [Theory]
    [InlineData("GET", 405)]
    [InlineData("PUT", 405)]
    [InlineData("DELETE", 405)]
    [InlineData("OPTIONS", 405)]
    public async Task Other_methods_on_a_chat_route_get_405(string method, int status)
    {
        using var response = await Node.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), Node.ProxyUrl + "/route1"));
        await AssertOpenAIError(response, status);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task Unknown_paths_get_404()
    {
        await AssertOpenAIError(await Node.Http.GetAsync(Node.ProxyUrl + "/"), 404, "not_found_error");
        await AssertOpenAIError(await PostRawAsync("/v1/chat/completions", "{}"u8.ToArray()), 404, "not_found_error");
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "bad YAML", "services: [ {routes: " },
        { "YAML bomb", string.Join("\n", new[] { "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]" }
            .Concat(Enumerable.Range(1, 8).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(",", Enumerable.Repeat($"*{(char)('a' + i - 1)}", 9))}]"))) },
        { "wrong types", "_format_version: \"3.0\"\nservices:\n- routes:\n  - name: [x]\n    paths: /x\n" },
        { "a scalar", "hello" },
        { "tabs and garbage", "\t\t: : :\n\t- [" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task Bad_configs_get_400_with_their_problems_and_change_nothing(string name, string text)
    {
        using var response = await Node.PostConfigAsync(text);
        await AssertOpenAIError(response, 400);
        var problems = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["problems"]!.AsArray();
        Assert.NotEmpty(problems);
        output.WriteLine($"{name}: {string.Join(" | ", problems.Select(p => (string)p!))}");
        var version = (long)JsonNode.Parse(await Node.Http.GetStringAsync(Node.AdminUrl + "/config"))!["version"]!;
        Assert.Equal(_version, version);
    }

    [Fact]
    public async Task Duplicate_route_names_and_paths_are_reported_together()
    {
        // the same service twice: its route's name and path both collide
        var service = _config[_config.IndexOf("- name: ai-proxy-advanced-service", StringComparison.Ordinal)..];
        var doubled = _config + service;
        using var response = await Node.PostConfigAsync(doubled);

        await AssertOpenAIError(response, 400);
        var problems = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["problems"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.Contains(problems, p => p.Contains("route name 'route1' is used more than once"));
        Assert.Contains(problems, p => p.Contains("path '/route1' of route 'route1' is already used"));
    }

    [Fact]
    public async Task A_config_over_the_size_limit_gets_400()
    {
        var huge = "_format_version: \"3.0\"\n# " + new string('x', 2 * 1024 * 1024) + "\nservices: []\n";
        await AssertOpenAIError(await Node.PostConfigAsync(huge), 400);
        await AssertOpenAIError(await Node.PostConfigAsync("{\"services\": [}", "application/json"), 400);
    }
}
