using System.Net;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Providers.OpenAICompatible;

/// <summary>
/// The OpenAI-compatible family (and the formats <c>mistral_format</c>/<c>llama2_format</c> switch to), each through
/// the whole pipeline in process: the driver's default endpoint is the one Kong's driver builds, and with
/// <c>upstream_url</c> on a fake the request reaches that endpoint's path with the target's credential and model,
/// and the answer comes back in OpenAI's shape.
/// </summary>
public sealed class OpenAICompatibleGatewayTests : TestWithUpstreams
{
    private const string Key = "compat-e2e-key";

    public static TheoryData<string, string, string?, string> Family() => new()
    {
        // provider, extra model options (YAML), default endpoint (null: upstream_url required), path the fake must see
        { "mistral", "", "https://api.mistral.ai/v1/chat/completions", "/v1/chat/completions" },
        { "mistral", "mistral_format: ollama", null, "/api/chat" },
        { "deepseek", "", "https://api.deepseek.com/chat/completions", "/chat/completions" },
        { "xai", "", "https://api.x.ai/v1/chat/completions", "/v1/chat/completions" },
        { "cerebras", "", "https://api.cerebras.ai/v1/chat/completions", "/v1/chat/completions" },
        { "vllm", "", null, "/v1/chat/completions" },
        { "databricks", "databricks: {workspace_instance_id: ws1}", "https://ws1.cloud.databricks.com/serving-endpoints/chat/completions", "/serving-endpoints/chat/completions" },
        { "dashscope", "", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions", "/compatible-mode/v1/chat/completions" },
        { "dashscope", "dashscope: {international: false}", "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions", "/compatible-mode/v1/chat/completions" },
        // Hugging Face's upstream_url is a base: the driver adds /v1/chat/completions as Kong's does.
        { "huggingface", "", "https://api-inference.huggingface.co/models/huggingface-e2e/v1/chat/completions", "/models/huggingface-e2e/v1/chat/completions" },
        { "llama2", "", null, "/v1/chat/completions" },
        { "llama2", "llama2_format: openai", null, "/v1/chat/completions" },
        { "llama2", "llama2_format: ollama", null, "/api/chat" },
    };

    [Theory]
    [MemberData(nameof(Family))]
    public async Task Each_reaches_its_endpoint_with_its_credential_and_answers_in_OpenAI_shape(string provider, string options, string? defaultUrl, string path)
    {
        var model = provider + "-e2e";
        Assert.Equal(defaultUrl, DefaultUrl(provider, model, options)?.ToString());

        var fake = await FakeAsync();
        var upstream = provider == "huggingface" ? $"{fake.BaseUrl}/models/{model}" : fake.BaseUrl + path;
        var extra = options.Length > 0 ? ", " + options : "";
        var modelLine = $"{{provider: {provider}, name: {model}, options: {{upstream_url: '{upstream}'{extra}}}}}";
        var deck = ProviderDeck.Route("compat", []) + $"        - model: {modelLine}\n          route_type: llm/v1/chat\n"
            + "          auth: {header_name: Authorization, header_value: 'Bearer ${{ env \"DECK_COMPAT_KEY\" }}'}\n";
        var host = await Own(PipelineHost.StartAsync(deck, environment: new Dictionary<string, string> { ["DECK_COMPAT_KEY"] = Key }));

        using var response = await host.ChatAsync("/compat");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var completion = JsonDocument.Parse(body).RootElement;
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal($"Fake answer from {model}.", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var sent = Assert.Single(fake.Requests);
        Assert.Equal(path, sent.PathAndQuery);
        Assert.Equal($"Bearer {Key}", sent.Headers["Authorization"]);
        Assert.Equal(model, JsonDocument.Parse(sent.Body).RootElement.GetProperty("model").GetString());
    }

    /// <summary>The endpoint the driver builds without <c>upstream_url</c>, from the same options (flattened as the parser does).</summary>
    private static Uri? DefaultUrl(string provider, string model, string options)
    {
        var flattened = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(options, @"(\w+): \{(\w+): (\w+)\}|(\w+): (\w+)"))
        {
            if (m.Groups[1].Success) flattened[$"{m.Groups[1].Value}.{m.Groups[2].Value}"] = m.Groups[3].Value;
            else flattened[m.Groups[4].Value] = m.Groups[5].Value;
        }
        var target = ProviderTestKit.Target(provider, model, flattened);
        var url = ProviderRegistry.Default.Find(provider)!.ResolveUrl(target, null, stream: false);
        // Kong's drivers name the port; the URL the client opens is the same.
        return url is null ? null : new UriBuilder(url) { Port = -1 }.Uri;
    }
}
