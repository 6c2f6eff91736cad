using System.Text.Json;
using Actors.Api.Providers;
using Actors.FakeOpenAI;
using OpenAI;
using OpenAI.Chat;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.OpenAICompatible;

public sealed class OpenAICompatibleDriverTests(FakeServerFixture fake) : IClassFixture<FakeServerFixture>
{
    private static IProviderDriver Driver(string name) => ProviderRegistry.Default.Find(name)!;

    [Theory]
    [InlineData("mistral", "https://api.mistral.ai/v1/chat/completions")]
    [InlineData("deepseek", "https://api.deepseek.com/chat/completions")]
    [InlineData("xai", "https://api.x.ai/v1/chat/completions")]
    [InlineData("cerebras", "https://api.cerebras.ai/v1/chat/completions")]
    [InlineData("dashscope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions")]
    [InlineData("huggingface", "https://api-inference.huggingface.co/models/the-model/v1/chat/completions")]
    public void Default_urls(string provider, string url) =>
        Assert.Equal(url, Driver(provider).ResolveUrl(Target(provider), null, stream: false)!.ToString());

    [Fact]
    public void Urls_that_depend_on_options_or_need_upstream_url()
    {
        Assert.Null(Driver("vllm").ResolveUrl(Target("vllm"), null, false));
        Assert.Equal("http://127.0.0.1:8000/v1/chat/completions", Driver("vllm").ResolveUrl(Target("vllm"), "http://127.0.0.1:8000/v1/chat/completions", false)!.ToString());
        Assert.Null(Driver("databricks").ResolveUrl(Target("databricks"), null, false));
        Assert.Equal("https://dbc-1-2.cloud.databricks.com/serving-endpoints/chat/completions",
            Driver("databricks").ResolveUrl(Target("databricks", options: new() { ["databricks.workspace_instance_id"] = "dbc-1-2" }), null, false)!.ToString());
        Assert.Equal("https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
            Driver("dashscope").ResolveUrl(Target("dashscope", options: new() { ["dashscope.international"] = "false" }), null, false)!.ToString());
        Assert.Equal("http://127.0.0.1:9/tgi/v1/chat/completions", Driver("huggingface").ResolveUrl(Target("huggingface"), "http://127.0.0.1:9/tgi", false)!.ToString());
    }

    [Fact]
    public void Azure_url_has_instance_deployment_and_api_version_even_under_upstream_url()
    {
        var azure = Target("azure", "gpt-4o", new() { ["azure_instance"] = "contoso", ["azure_deployment_id"] = "gpt4o-prod" });
        Assert.Equal("https://contoso.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2023-05-15",
            Driver("azure").ResolveUrl(azure, null, false)!.ToString());
        var versioned = azure with { Options = new Dictionary<string, string>(azure.Options) { ["azure_api_version"] = "2024-10-21" } };
        Assert.Equal("http://127.0.0.1:9/openai/deployments/d/chat/completions?api-version=2024-10-21",
            Driver("azure").ResolveUrl(versioned, "http://127.0.0.1:9/openai/deployments/d/chat/completions", true)!.ToString());
        Assert.Equal("http://127.0.0.1:9/x?api-version=2022-01-01",
            Driver("azure").ResolveUrl(versioned, "http://127.0.0.1:9/x?api-version=2022-01-01", true)!.ToString());
        Assert.Null(Driver("azure").ResolveUrl(Target("azure"), null, false));
    }

    [Fact]
    public void Request_gets_the_target_model_and_configured_options_and_keeps_the_rest()
    {
        var target = Target("mistral", "mistral-large") with { Temperature = 0.1, MaxTokens = 99, AuthParamLocation = "body", AuthParamName = "api_key", AuthParamValue = "k" };
        var (body, request) = Write(Driver("mistral"), """
            {"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}],"temperature":1.5,"max_completion_tokens":5,"stream":true,"tools":[]}
            """, target);
        Assert.Equal("mistral-large", body.GetProperty("model").GetString());
        Assert.Equal(0.1, body.GetProperty("temperature").GetDouble());
        Assert.Equal(99, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_completion_tokens", out _));
        Assert.Equal("k", body.GetProperty("api_key").GetString());
        Assert.Equal(0, body.GetProperty("tools").GetArrayLength());
        Assert.True(request.Stream);
        Assert.Null(Driver("mistral").TranslateResponse("{}"u8, target));
        Assert.Null(Driver("mistral").CreateStreamTranslator(target, true));
    }

    [Fact]
    public void Errors_pass_when_openai_shaped_and_are_wrapped_otherwise()
    {
        var (status, error) = Error(Driver("deepseek"), 402, """{"error":{"message":"Insufficient Balance","type":"unknown_error"}}""");
        Assert.Equal(402, status);
        Assert.Equal("Insufficient Balance", error.GetProperty("message").GetString());
        (status, error) = Error(Driver("vllm"), 400, """{"object":"error","message":"bad model"}""");
        Assert.Equal("bad model", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        (status, error) = Error(Driver("huggingface"), 503, """{"error":"Model is loading"}""");
        Assert.Equal(503, status);
        Assert.Equal("Model is loading", error.GetProperty("message").GetString());
    }

    private static ProviderTarget AzureTarget(string url) => Target("azure", "gpt-4o", new() { ["azure_instance"] = "x", ["azure_deployment_id"] = "dep" })
        with { AuthHeaderName = "api-key", AuthHeaderValue = "azure-key" };

    [Fact]
    public async Task Azure_through_the_fake_needs_api_version_and_key()
    {
        var url = fake.BaseUrl + "/openai/deployments/dep/chat/completions";
        var ok = await SendAsync(Driver("azure"), AzureTarget(url), url, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(200, ok.Status);
        Assert.Equal("gpt-4o", JsonDocument.Parse(ok.Body).RootElement.GetProperty("model").GetString());
        Assert.EndsWith("api-version=2023-05-15", ok.Url);

        var streamed = await SendAsync(Driver("azure"), AzureTarget(url), url, """{"messages":[{"role":"user","content":"Hi"}],"stream":true}""");
        Assert.Equal("Fake answer from gpt-4o.", Text(Events(streamed.Body)));

        var keyless = await SendAsync(Driver("azure"), AzureTarget(url) with { AuthHeaderName = null }, url, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(401, keyless.Status);
        Assert.Equal("authentication_error", JsonDocument.Parse(keyless.Body).RootElement.GetProperty("error").GetProperty("type").GetString());

        await fake.WithBehaviorAsync(new FakeBehavior { Status = 503 }, async () =>
            Assert.Equal(503, (await SendAsync(Driver("azure"), AzureTarget(url), url, """{"messages":[{"role":"user","content":"Hi"}]}""")).Status));
    }

    [Fact]
    public async Task Official_openai_sdk_reads_the_fakes_answer_and_stream()
    {
        var client = new ChatClient("gpt-4.1", new System.ClientModel.ApiKeyCredential("sk-test"),
            new OpenAIClientOptions { Endpoint = new Uri(fake.BaseUrl + "/v1") });
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Hi")]);
        Assert.Equal("Fake answer from gpt-4.1.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);

        var text = new System.Text.StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        Assert.Equal("Fake answer from gpt-4.1.", text.ToString());
    }
}
