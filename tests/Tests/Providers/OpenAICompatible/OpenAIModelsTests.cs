using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.Api.Providers;
using Actors.Api.Providers.Exchanges;
using Actors.Api.Providers.OpenAICompatible;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.OpenAICompatible;

/// <summary>Reasoning models, top_k and Azure's api-versions in the OpenAI-shaped requests the gateway writes itself.</summary>
public sealed class OpenAIModelsTests
{
    [Theory]
    [InlineData("o1", true)]
    [InlineData("o1-mini", true)]
    [InlineData("o3", true)]
    [InlineData("o4-mini-2025-04-16", true)]
    [InlineData("gpt-5", true)]
    [InlineData("gpt-5-mini", true)]
    [InlineData("gpt-5.1", true)]
    [InlineData("openai/gpt-5-nano", true)]
    [InlineData("gpt-5-chat-latest", false)]
    [InlineData("gpt-4o", false)]
    [InlineData("gpt-4.1-mini", false)]
    [InlineData("omni-moderation", false)]
    public void Reasoning_models_are_known_by_name(string model, bool reasoning) => Assert.Equal(reasoning, OpenAIModels.IsReasoning(model));

    private static JsonObject Rewritten(string provider, string model, string request, int? maxTokens = null, int? topK = null)
    {
        var json = JsonNode.Parse(request)!.AsObject();
        OpenAICompatibleDriver.Rewrite(json, Target(provider, model) with { MaxTokens = maxTokens, TopK = topK });
        return json;
    }

    [Theory]
    [InlineData("vllm", true)]
    [InlineData("databricks", true)]
    [InlineData("dashscope", true)]
    [InlineData("llama2", true)]
    [InlineData("azure", false)]
    [InlineData("mistral", false)]
    [InlineData("deepseek", false)]
    [InlineData("xai", false)]
    [InlineData("cerebras", false)]
    [InlineData("huggingface", false)]
    public void A_configured_top_k_is_written_only_for_providers_whose_API_has_it(string provider, bool written) =>
        Assert.Equal(written, Rewritten(provider, "m", """{"messages":[]}""", topK: 40).ContainsKey("top_k"));

    [Theory]
    [InlineData("o3-mini", "max_completion_tokens", "max_tokens")]
    [InlineData("gpt-4o", "max_tokens", "max_completion_tokens")]
    public void A_configured_max_tokens_on_Azure_takes_the_models_name_and_replaces_both(string model, string written, string removed)
    {
        var request = Rewritten("azure", model, """{"messages":[],"max_tokens":1,"max_completion_tokens":2}""", maxTokens: 64);
        Assert.Equal(64, (int)request[written]!);
        Assert.False(request.ContainsKey(removed));
    }

    private static string RewriteBytes(ProviderTarget target, string request)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        new OpenAIRequestRewriter(target).Write(System.Text.Encoding.UTF8.GetBytes(request), output);
        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("gpt-5", "max_completion_tokens")]
    [InlineData("gpt-4o", "max_tokens")]
    public void The_byte_rewriter_writes_a_configured_limit_under_the_models_name_and_drops_the_clients_both(string model, string name)
    {
        var body = JsonDocument.Parse(RewriteBytes(Target("openai", model) with { MaxTokens = 64 },
            """{"model":"x","max_tokens":1,"max_completion_tokens":2,"temperature":0.2,"messages":[]}""")).RootElement;

        Assert.Equal(64, body.GetProperty(name).GetInt32());
        Assert.Equal(2, body.EnumerateObject().Count(p => p.Name is "max_tokens" or "max_completion_tokens") + 1);
        // The client's own fields are the client's business: passed through.
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
    }

    [Theory]
    [InlineData("gpt-5", 0.2, null, "temperature")]
    [InlineData("o3", null, 0.5, "top_p")]
    [InlineData("gpt-5", 1.0, 1.0, null)]
    [InlineData("gpt-4o", 0.2, 0.5, null)]
    public void A_reasoning_models_configured_sampling_is_a_configuration_problem(string model, double? temperature, double? topP, string? named)
    {
        var problem = OpenAIModels.ConfigurationProblem(Target("openai", model) with { Temperature = temperature, TopP = topP });
        if (named is null) Assert.Null(problem);
        else Assert.Contains($"takes no {named} but 1", problem);
    }

    [Theory]
    [InlineData(null, "2024-09-01", false)]
    [InlineData("2024-10-21", "2024-09-01", true)]
    [InlineData("2024-08-01-preview", "2024-09-01", false)]
    [InlineData("preview", "2024-09-01", true)]
    [InlineData("2024-02-01", "2023-12-01", true)]
    public void Azure_api_versions_compare_by_date(string? version, string since, bool atLeast) =>
        Assert.Equal(atLeast, OpenAIModels.AzureVersionAtLeast(version, since));
}
