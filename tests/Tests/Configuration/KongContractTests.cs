using System.Text.Json.Nodes;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;
using Actors.Tests.Support;

namespace Actors.Tests.Configuration;

/// <summary>Issue 14's first point: every field of Kong's 3.15 schema is accepted, and what has no effect says so.</summary>
public class KongContractTests
{
    private static string DumpedFile => File.ReadAllText(Path.Combine(SeedFiles.RepositoryRoot, "tests", "Tests", "Configuration", "TestData", "dumped-ai-proxy-advanced-3.15.yaml"));

    private static ConfigParseResult Parse(string text, bool json = false, ProviderRegistry? providers = null) =>
        DeckParsing.Parse(text, json, providers: providers);

    private static string Route(string target, string config = "") => $$"""
        _format_version: "3.0"
        services:
        - name: s
          routes:
          - name: r1
            paths: [/r1]
            plugins:
            - name: ai-proxy-advanced
              config:
                {{config}}
                targets:
        {{target}}
        """;

    private const string Target = """
                - model: {provider: openai, name: gpt-4.1}
                  route_type: llm/v1/chat
        """;

    [Fact]
    public void A_dumped_file_with_every_field_and_nulls_is_accepted()
    {
        var result = Parse(DumpedFile);

        Assert.Empty(result.Problems);
        var route = Assert.Single(result.Config!.Routes);
        Assert.Equal(["gpt-4.1", "gpt-5"], route.Targets.Select(t => t.ModelName));
        Assert.Equal(0, route.Balancer.MaxFails);
        Assert.Equal(["error", "timeout"], route.Balancer.FailoverCriteria);
        Assert.Equal("2023-05-15", route.Targets[0].Options.ProviderOptions["azure_api_version"]);
        Assert.Equal("true", route.Targets[0].Options.ProviderOptions["dashscope.international"]);
        // Defaults and nulls are not "using" a field; embeddings and vectordb act (for the semantic algorithm).
        Assert.Empty(result.Warnings);
        Assert.Equal("text-embedding-3-small", route.Embeddings?.ModelName);
        Assert.Equal(VectorDbSpec.Cosine, route.VectorDb?.DistanceMetric);
    }

    [Fact]
    public void Every_field_of_the_published_schema_is_known()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(SeedFiles.RepositoryRoot, "..", "shared", "reference", "kong-ai-proxy-advanced-3.15.schema.json")))!;
        var config = (JsonObject)Expand(schema["properties"]!["config"]!)!;
        config["targets"] = new JsonArray(Expand(schema["properties"]!["config"]!["properties"]!["targets"]!["items"]!));
        var document = $$"""{"_format_version":"3.0","services":[{"name":"s","routes":[{"name":"r","paths":["/r"],"plugins":[{"name":"ai-proxy-advanced","config":{{config.ToJsonString()}}}]}]}]}""";

        var result = Parse(document, json: true);

        // Every leaf is null, so required values are missing; but no field of the schema is unknown.
        Assert.NotEmpty(result.Problems);
        Assert.DoesNotContain(result.Problems, p => p.Contains("unknown field"));
        Assert.All(result.Problems, p => Assert.Contains(": required", p));
    }

    /// <summary>Every property of a schema object, nested objects expanded, every leaf null.</summary>
    private static JsonNode? Expand(JsonNode node) => node["properties"] is JsonObject properties
        ? new JsonObject(properties.Select(p => KeyValuePair.Create(p.Key, Expand(p.Value!))))
        : null;

    [Fact]
    public void A_field_with_no_effect_yields_exactly_one_warning_naming_it()
    {
        var target = """
                - model: {provider: openai, name: a}
                  route_type: llm/v1/chat
                  logging: {log_payloads: true, log_statistics: true}
                - model: {provider: openai, name: b}
                  route_type: llm/v1/chat
                  logging: {log_statistics: true}
        """;
        var result = Parse(Route(target));

        Assert.Empty(result.Problems);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("services[0].routes[0].plugins[0].config.targets[0].logging.log_statistics: accepted, but has no effect in this gateway: the request log line always has the statistics (set in 2 places) (line 14)", warning);
    }

    [Fact]
    public void Fields_for_the_next_features_are_parsed_into_the_spec()
    {
        var target = """
                - model:
                    provider: openai
                    name: gpt-4.1
                    model_alias: fast
                    options:
                      top_k: 40
                      upstream_path: /v1/custom
                      anthropic_version: "2023-06-01"
                      embeddings_dimensions: 256
                      bedrock: {aws_region: eu-west-1, embeddings_normalize: true}
                      gemini: {project_id: p1, location_id: us-central1}
                  route_type: llm/v1/chat
                  auth: {allow_override: true, aws_access_key_id: '${{ env "DECK_AWS_SECRET" }}', aws_secret_access_key: '${{ env "DECK_AWS_SECRET" }}', azure_tenant_id: t1}
                  logging: {log_statistics: true}
        """;
        var result = Parse(Route(target, "response_streaming: deny\n        max_request_body_size: 1024\n        llm_format: openai\n        model_name_header: false"));

        Assert.Empty(result.Problems);
        var route = Assert.Single(result.Config!.Routes);
        Assert.Equal((ResponseStreamingModes.Deny, 1024, false), (route.ResponseStreaming, route.MaxRequestBodySize, route.ModelNameHeader));
        var spec = route.Targets[0];
        Assert.Equal(("fast", 40, true, true), (spec.ModelAlias, spec.Options.TopK, spec.Auth.AllowOverride, spec.Logging.LogStatistics));
        Assert.Equal("${{ env \"DECK_AWS_SECRET\" }}", spec.Auth.AwsSecretAccessKey);
        Assert.Equal("t1", spec.Auth.AzureTenantId);
        Assert.Equal(new Dictionary<string, string>
        {
            ["upstream_path"] = "/v1/custom", ["anthropic_version"] = "2023-06-01", ["embeddings_dimensions"] = "256",
            ["bedrock.aws_region"] = "eu-west-1", ["bedrock.embeddings_normalize"] = "true",
            ["gemini.location_id"] = "us-central1", ["gemini.project_id"] = "p1",
        }, spec.Options.ProviderOptions);
        Assert.Equal("2023-05-15", spec.Options.ProviderOption("azure_api_version")); // Kong's default when unset
        Assert.Equal(2, result.Warnings.Count); // allow_override, log_statistics
        Assert.DoesNotContain("aws-secret", System.Text.Json.JsonSerializer.Serialize(result.Config));
    }

    [Fact]
    public void The_new_fields_are_written_back_as_decK_nests_them_and_parse_back_the_same()
    {
        var target = """
                - model: {provider: openai, name: m, model_alias: a, options: {top_k: 3, bedrock: {aws_region: eu-west-1, embeddings_normalize: true}}}
                  route_type: llm/v1/chat
                  logging: {log_payloads: true}
        """;
        var original = Parse(Route(target, "response_streaming: always")).Config!;

        var document = DeckConfigWriter.Document(original);
        var written = document["services"]![0]!["routes"]![0]!["plugins"]![0]!["config"]!;
        Assert.Equal("always", (string)written["response_streaming"]!);
        var options = written["targets"]![0]!["model"]!["options"]!;
        Assert.Equal("eu-west-1", (string)options["bedrock"]!["aws_region"]!);
        Assert.True((bool)options["bedrock"]!["embeddings_normalize"]!);
        Assert.Equal(3, (int)options["top_k"]!);

        var reparsed = Parse(document.ToJsonString(), json: true);
        Assert.Empty(reparsed.Problems);
        Assert.Equal(original.Routes.Single().Revision, reparsed.Config!.Routes.Single().Revision);
    }

    [Fact]
    public void Json_problems_name_their_line_too()
    {
        var json = "{\"_format_version\": \"3.0\",\n \"services\": [{\"name\": \"s\", \"routes\": [{\"name\": \"r\", \"paths\": [\"/r\"],\n  \"plugins\": [{\"name\": \"ai-proxy-advanced\", \"config\": {\"targets\": [\n   {\"model\": {\"provider\": \"openai\", \"name\": \"m\"}, \"route_type\": \"llm/v1/chat\",\n    \"weight\": 0}]}}]}]}]}";

        var problem = Assert.Single(Parse(json, json: true).Problems);

        Assert.Equal("services[0].routes[0].plugins[0].config.targets[0].weight: must be between 1 and 65535 (line 5)", problem);
    }

    /// <summary>A node built without the other drivers.</summary>
    private static readonly ProviderRegistry OpenAIOnly = new([new OpenAIDriver()]);

    [Theory]
    [InlineData("anthropic", "provider 'anthropic' has no driver on this gateway node; supported: openai")]
    [InlineData("bedrock", "provider 'bedrock' has no driver on this gateway node; supported: openai")]
    public void A_Kong_provider_without_a_driver_on_this_node_is_named_as_such(string provider, string expected)
    {
        var problem = Assert.Single(Parse(Route($"        - model: {{provider: {provider}, name: m}}\n          route_type: llm/v1/chat"), providers: OpenAIOnly).Problems);

        Assert.Equal($"services[0].routes[0].plugins[0].config.targets[0].model.provider: {expected} (line 12)", problem);
    }

    [Fact]
    public void A_node_without_the_driver_names_the_provider_when_it_builds_its_route_table()
    {
        var target = Api.Routing.ResolvedTarget.Resolve(0, new TargetSpec { Provider = "anthropic", ModelName = "m" }, OpenAIOnly, _ => null);

        Assert.Equal("provider 'anthropic' has no driver on this gateway node", target.Problem);
    }

    [Fact]
    public void Every_Kong_provider_is_accepted_once_a_driver_for_it_is_registered()
    {
        var registry = new ProviderRegistry(ProviderNames.Known.Select(n => (IProviderDriver)new UrlOnlyDriver(n)));
        var targets = string.Join("\n", ProviderNames.Known.Select(p => $"        - model: {{provider: {p}, name: m}}\n          route_type: llm/v1/chat"));

        var result = Parse(Route(targets), providers: registry);

        Assert.Empty(result.Problems);
        Assert.Equal(ProviderNames.Known, result.Config!.Routes.Single().Targets.Select(t => t.Provider));
    }

    [Theory]
    [InlineData("auth: {aws_secret_access_key: literal-secret}", "targets[0].auth.aws_secret_access_key: must reference an environment variable")]
    [InlineData("auth: {gcp_service_account_json: '{}'}", "targets[0].auth.gcp_service_account_json: must reference an environment variable")]
    [InlineData("model: {provider: openai, name: m, options: {anthropic_version: '${{ env \"DECK_OPENAI_API_KEY\" }}'}}", "anthropic_version: env placeholders are supported only in auth values")]
    public void Credentials_come_only_from_the_environment_and_placeholders_only_where_allowed(string field, string expected)
    {
        var target = field.StartsWith("model") ? $"        - {field}\n          route_type: llm/v1/chat"
            : $"        - model: {{provider: openai, name: m}}\n          route_type: llm/v1/chat\n          {field}";

        var problem = Assert.Single(Parse(Route(target)).Problems);

        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("acls: {allow: [{match: [{type: consumer, values: [alice]}]}]}", "config.acls.allow: this gateway does not filter requests by ACL rules")]
    [InlineData("llm_format: cohere", "config.llm_format: 'cohere' is not supported; supported: anthropic, bedrock, gemini, openai")]
    [InlineData("balancer: {tokens_count_strategy: llm-accuracy}", "config.balancer.tokens_count_strategy: 'llm-accuracy' is not supported")]
    public void Known_values_this_gateway_cannot_honour_are_refused_saying_why(string config, string expected)
    {
        var problem = Assert.Single(Parse(Route(Target, config)).Problems);

        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Semantic_needs_an_embeddings_model_and_a_description_on_every_target()
    {
        var problems = Parse(Route(Target, "balancer: {algorithm: semantic}")).Problems;

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("config.embeddings: required by the semantic algorithm (the model that embeds prompts and target descriptions)"));
        Assert.Contains(problems, p => p.Contains("config.targets[0].description: required by the semantic algorithm (what the target is for, or CATCHALL for the fallback)"));
    }

    [Theory]
    [InlineData("{provider: gemini, name: text-embedding-004}", null)]
    [InlineData("{provider: bedrock, name: amazon.titan-embed-text-v2:0, options: {bedrock: {aws_region: eu-west-1}}}", null)]
    [InlineData("{provider: azure, name: ada, options: {azure: {instance: acme, deployment_id: ada}}}", null)]
    [InlineData("{provider: mistral, name: mistral-embed}", null)]
    [InlineData("{provider: azure, name: ada}", "config.embeddings.model.options.upstream_url: required for embeddings provider 'azure' (its embeddings endpoint is not known without it)")]
    [InlineData("{provider: ollama, name: nomic-embed-text}", "config.embeddings.model.options.upstream_url: required for embeddings provider 'ollama' (its embeddings endpoint is not known without it)")]
    public void Semantic_embeddings_need_an_upstream_url_only_where_the_providers_endpoint_is_not_known(string model, string? expected)
    {
        var config = $"balancer: {{algorithm: semantic}}\n        embeddings: {{model: {model}}}";
        var target = Target.Replace("route_type: llm/v1/chat", "route_type: llm/v1/chat\n          description: CATCHALL");

        var problems = Parse(Route(target, config)).Problems;

        if (expected is null) Assert.Empty(problems);
        else Assert.Contains(expected, Assert.Single(problems));
    }

    [Fact]
    public void A_plugin_scoped_to_a_consumer_is_refused_rather_than_applied_to_everyone()
    {
        var yaml = Route(Target).Replace("- name: ai-proxy-advanced\n", "- name: ai-proxy-advanced\n      consumer: {id: alice}\n");

        var problem = Assert.Single(Parse(yaml).Problems);

        Assert.StartsWith("services[0].routes[0].plugins[0].consumer: a plugin scoped to one consumer is not supported", problem);
    }

    /// <summary>A driver that only knows a URL: enough for the parser to accept its provider.</summary>
    private sealed class UrlOnlyDriver(string name) : IProviderDriver
    {
        public string Name => name;
        public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) => new("http://127.0.0.1:9/" + name);
        public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, System.Buffers.IBufferWriter<byte> body) => new();
        public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) => null;
        public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) => null;
        public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => new(status, providerBody.ToArray());
    }
}
