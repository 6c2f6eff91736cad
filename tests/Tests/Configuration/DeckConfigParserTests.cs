using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Grains.Interfaces.Configuration;
using Actors.Tests.Support;

namespace Actors.Tests.Configuration;

public class DeckConfigParserTests
{
    private static ConfigParseResult Parse(string text, bool json = false, IDictionary<string, string>? env = null) => DeckParsing.Parse(text, json, env);

    private static string Route(string targets, string balancer = "", string routeName = "r1", string path = "/r1") => $$"""
        _format_version: "3.0"
        services:
        - name: s
          routes:
          - name: {{routeName}}
            paths: [{{path}}]
            plugins:
            - name: ai-proxy-advanced
              config:
                {{balancer}}
                targets:
        {{targets}}
        """;

    private const string GoodTarget = """
                - model: {provider: openai, name: gpt-4.1}
                  route_type: llm/v1/chat
                  auth: {header_name: Authorization, header_value: 'Bearer ${{ env "DECK_OPENAI_API_KEY" }}'}
        """;

    /// <summary>
    /// An <c>ai-proxy-advanced</c> plugin entry (five lines) with one openai target of <paramref name="model"/>,
    /// indented by <paramref name="indent"/> spaces, for a document's service or route <c>plugins</c> list.
    /// </summary>
    private static string AiProxyPlugin(string model, int indent) => string.Join("\n", new[]
    {
        "- name: ai-proxy-advanced",
        "  config:",
        "    targets:",
        $"    - model: {{provider: openai, name: {model}}}",
        "      route_type: llm/v1/chat",
    }.Select(line => new string(' ', indent) + line));

    [Fact]
    public void The_seed_file_parses_unchanged()
    {
        var result = Parse(SeedFiles.SeedYaml);

        Assert.Empty(result.Problems);
        var route = Assert.Single(result.Config!.Routes);
        Assert.Equal("route1", route.Name);
        Assert.Equal(["/route1"], route.Paths);
        Assert.Equal(BalancerAlgorithms.RoundRobin, route.Balancer.Algorithm);
        Assert.Equal("ai-proxy-advanced1", route.PluginInstanceName);
        Assert.Equal(["gpt-4.1", "gpt-5"], route.Targets.Select(t => t.ModelName));
        Assert.All(route.Targets, t =>
        {
            Assert.Equal("openai", t.Provider);
            Assert.Equal(1.0, t.Options.Temperature);
            Assert.Equal("llm/v1/chat", t.RouteType);
            Assert.Equal("Authorization", t.Auth.HeaderName);
            // stored as the placeholder, never as the key
            Assert.Equal("Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}", t.Auth.HeaderValue);
            Assert.Equal(100, t.Weight);
        });
        Assert.Equal(16, route.Revision.Length);
    }

    [Fact]
    public void Json_bodies_are_accepted_with_the_same_meaning()
    {
        var json = """
            {"_format_version":"3.0","services":[{"name":"s","routes":[{"name":"r1","paths":["/r1"],
             "plugins":[{"name":"ai-proxy-advanced","config":{"balancer":{"algorithm":"round-robin","retries":2},
             "targets":[{"model":{"provider":"openai","name":"gpt-5","options":{"temperature":0.5,"max_tokens":64}},
             "route_type":"llm/v1/chat","weight":3,"auth":{"header_name":"Authorization","header_value":"Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}"}}]}}]}]}]}
            """;
        var result = Parse(json, json: true);

        Assert.Empty(result.Problems);
        var route = Assert.Single(result.Config!.Routes);
        Assert.Equal(2, route.Balancer.Retries);
        Assert.Equal(0.5, route.Targets[0].Options.Temperature);
        Assert.Equal(64, route.Targets[0].Options.MaxTokens);
        Assert.Equal(3, route.Targets[0].Weight);
    }

    [Fact]
    public void A_service_plugin_applies_to_every_route_and_a_route_plugin_wins()
    {
        var yaml = $$"""
            _format_version: "3.0"
            services:
            - name: s
              plugins:
            {{AiProxyPlugin("from-service", indent: 2)}}
              routes:
              - name: a
                paths: [/a]
              - name: b
                paths: [/b]
                plugins:
            {{AiProxyPlugin("from-route", indent: 4)}}
            """;
        var result = Parse(yaml);

        Assert.Empty(result.Problems);
        var routes = result.Config!.Routes.ToDictionary(r => r.Name);
        Assert.Equal("from-service", routes["a"].Targets[0].ModelName);
        Assert.Equal("service", routes["a"].PluginScope);
        Assert.Equal("from-route", routes["b"].Targets[0].ModelName);
        Assert.Equal("route", routes["b"].PluginScope);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path()
    {
        var yaml = Route("""
                - model: {provider: openai, name: ""}
                  route_type: llm/v1/chat
                - model: {provider: nope, name: x, options: {temperature: "1.0", top_p: 3}}
                  route_type: audio/v1/audio/speech
                  weight: 0
                  colour: blue
        """, balancer: "balancer: {algorithm: round-robin, retries: -1, read_timeout: soon}");
        var result = Parse(yaml);

        Assert.Null(result.Config);
        const string t = "services[0].routes[0].plugins[0].config";
        Assert.Contains($"{t}.targets[0].model.name: must not be empty (line 12)", result.Problems);
        Assert.Contains($"{t}.targets[1].model.provider: provider 'nope' is not supported; supported: {string.Join(", ", ProviderRegistry.Default.Names)} (line 14)", result.Problems);
        Assert.Contains($"{t}.targets[1].model.options.temperature: must be a number (line 14)", result.Problems);
        Assert.Contains($"{t}.targets[1].model.options.top_p: must be between 0 and 1 (line 14)", result.Problems);
        Assert.Contains($"{t}.targets[1].route_type: 'audio/v1/audio/speech' is not supported; supported: llm/v1/chat, llm/v1/completions, llm/v1/embeddings, llm/v1/responses, preserve (line 15)", result.Problems);
        Assert.Contains($"{t}.targets[1].weight: must be between 1 and 65535 (line 16)", result.Problems);
        Assert.Contains($"{t}.targets[1].colour: unknown field (line 17)", result.Problems);
        Assert.Contains($"{t}.balancer.retries: must be between 0 and 32767 (line 10)", result.Problems);
        Assert.Contains($"{t}.balancer.read_timeout: must be an integer (line 10)", result.Problems);
        Assert.Equal(9, result.Problems.Count);
    }

    [Theory]
    [InlineData("fastest", "is not a known algorithm")]
    public void Other_algorithms_are_rejected_naming_the_supported_ones(string algorithm, string reason)
    {
        var result = Parse(Route(GoodTarget, balancer: $"balancer: {{algorithm: {algorithm}}}"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"services[0].routes[0].plugins[0].config.balancer.algorithm: '{algorithm}' {reason}; supported: round-robin, lowest-latency, lowest-usage, consistent-hashing, priority, least-connections, semantic (line 10)", problem);
    }

    [Fact]
    public void A_variable_unset_on_this_node_is_named()
    {
        var result = Parse(SeedFiles.SeedYaml, env: new Dictionary<string, string>());

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Contains("environment variable 'DECK_OPENAI_API_KEY' is not set on this node", p));
        Assert.StartsWith("services[0].routes[0].plugins[0].config.targets[1].auth.header_value:", result.Problems[1]);
    }

    [Theory]
    [InlineData("Bearer sk-literal", "must reference an environment variable")]
    [InlineData("Bearer ${{ env \"OPENAI_KEY\" }}", "must start with DECK_")]
    [InlineData("Bearer ${{ env DECK_X }}", "malformed placeholder")]
    public void Credentials_must_come_from_DECK_variables(string value, string expected)
    {
        var target = $$"""
                - model: {provider: openai, name: m}
                  route_type: llm/v1/chat
                  auth: {header_name: Authorization, header_value: '{{value}}'}
        """;
        var problem = Assert.Single(Parse(Route(target)).Problems);
        Assert.StartsWith("services[0].routes[0].plugins[0].config.targets[0].auth.header_value: ", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Placeholders_are_allowed_in_upstream_url_and_nowhere_else()
    {
        var target = """
                - model: {provider: openai, name: '${{ env "DECK_HOST" }}', options: {upstream_url: '${{ env "DECK_HOST" }}/v1/chat/completions'}}
                  route_type: llm/v1/chat
        """;
        var problem = Assert.Single(Parse(Route(target)).Problems);
        Assert.Equal("services[0].routes[0].plugins[0].config.targets[0].model.name: env placeholders are supported only in auth values and model.options.upstream_url (line 12)", problem);
    }

    [Fact]
    public void Duplicate_route_names_and_paths_are_rejected()
    {
        var yaml = $$"""
            _format_version: "3.0"
            services:
            - name: s
              plugins:
            {{AiProxyPlugin("m", indent: 2)}}
              routes:
              - {name: a, paths: [/x]}
              - {name: a, paths: [/y]}
              - {name: b, paths: [/x]}
            """;
        var problems = Parse(yaml).Problems;

        Assert.Contains("services[0].routes: route name 'a' is used more than once (line 11)", problems);
        Assert.Contains("services[0].routes: path '/x' of route 'b' is already used by route 'a' (line 11)", problems);
    }

    [Theory]
    [InlineData("", "the document is empty")]
    [InlineData("\t\t: : :\n\t- [", "invalid YAML")]
    [InlineData("services: [", "invalid YAML at line")]
    [InlineData("- just\n- a list", "(root): must be a mapping")]
    [InlineData("_format_version: \"1.1\"\nservices: []", "_format_version: must be \"3.0\"")]
    [InlineData("_format_version: \"3.0\"", "services: required")]
    [InlineData("_format_version: \"3.0\"\nservices: {}", "services: must be a list")]
    [InlineData("_format_version: \"3.0\"\nservices: []\nupstreams: []", "upstreams: 'upstreams' entities are not supported")]
    [InlineData("_format_version: \"3.0\"\nservices:\n- routes:\n  - name: r\n    paths: [/r]", "the route has no ai-proxy-advanced plugin")]
    [InlineData("_format_version: \"3.0\"\nservices:\n- routes:\n  - name: 'r 1'\n    paths: [nope]\n    plugins: [{name: rate-limiting}]", "plugin 'rate-limiting' is not supported")]
    public void Malformed_documents_are_rejected_with_a_reason(string text, string expected)
    {
        var result = Parse(text);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains(expected));
    }

    [Fact]
    public void Keys_from_the_seed_and_other_Kong_fields_are_accepted()
    {
        var yaml = """
            _format_version: "3.0"
            _info: {select_tags: [llm]}
            _konnect: {control_plane_name: x}
            services:
            - name: s
              host: localhost
              port: 32000
              tags: [a]
              routes:
              - name: r
                paths: [/r]
                strip_path: true
                methods: [POST]
                plugins:
                - name: ai-proxy-advanced
                  instance_name: i1
                  enabled: true
                  config:
                    max_request_body_size: 8388608
                    response_streaming: allow
                    targets:
                    - model: {provider: openai, name: m, options: {max_tokens: 10, input_cost: 1.5}}
                      route_type: llm/v1/chat
                      description: primary
                      logging: {log_statistics: true}
            """;
        var result = Parse(yaml);

        Assert.Empty(result.Problems);
        Assert.Equal("primary", result.Config!.Routes.Single().Targets[0].Description);
    }

    [Fact]
    public void Consumers_keep_only_digests_of_their_keys_and_key_auth_applies_from_the_service()
    {
        var yaml = """
            _format_version: "3.0"
            consumers:
            - username: alice
              keyauth_credentials:
              - key: ${{ env "DECK_ALICE_KEY" }}
              plugins:
              - name: rate-limiting
                config: {minute: 60, policy: local}
            - username: bob
              keyauth_credentials:
              - key: bob-literal-key
            services:
            - name: s
              plugins:
              - name: key-auth
                config: {key_names: [x-api-key, apikey]}
              routes:
              - name: r
                paths: [/r]
                plugins:
                - name: ai-proxy-advanced
                  config:
                    targets:
                    - model: {provider: openai, name: m}
                      route_type: llm/v1/chat
            """;
        var env = new Dictionary<string, string>(DeckParsing.Env) { ["DECK_ALICE_KEY"] = "alice-secret-key-123" };
        var result = Parse(yaml, env: env);

        Assert.Empty(result.Problems);
        var consumers = result.Config!.Consumers;
        Assert.Equal(["alice", "bob"], consumers.Select(c => c.Username));
        Assert.Equal([ConsumerSpec.DigestKey("alice-secret-key-123")], consumers[0].KeyDigests);
        Assert.Equal(new RateLimitSpec { Limit = 60, PeriodSeconds = 60 }, consumers[0].RateLimit);
        Assert.Null(consumers[1].RateLimit);
        Assert.Equal(["x-api-key", "apikey"], result.Config.Routes.Single().KeyAuth!.KeyNames);
        var stored = System.Text.Json.JsonSerializer.Serialize(result.Config);
        Assert.DoesNotContain("alice-secret-key-123", stored);
        Assert.DoesNotContain("bob-literal-key", stored);
    }

    [Fact]
    public void Consumer_problems_are_reported()
    {
        var yaml = """
            _format_version: "3.0"
            consumers:
            - username: a
              keyauth_credentials: [{key: short}]
            - username: a
              keyauth_credentials: [{key: '${{ env "DECK_NOPE" }}'}]
              plugins: [{name: rate-limiting, config: {policy: local}}]
            services: []
            """;
        var problems = Parse(yaml).Problems;

        Assert.Contains("consumers[0].keyauth_credentials[0].key: must be at least 8 characters (line 4)", problems);
        Assert.Contains("consumers[1].username: consumer 'a' is declared more than once (line 5)", problems);
        Assert.Contains(problems, p => p.StartsWith("consumers[1].keyauth_credentials[0].key: environment variable 'DECK_NOPE' is not set"));
        Assert.Contains("consumers[1].plugins[0].config: needs one of second, minute, hour or day (line 7)", problems);
    }

    [Fact]
    public void A_yaml_bomb_is_rejected_without_expanding_it()
    {
        var lines = new List<string> { "a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++) lines.Add($"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]");
        var started = DateTime.UtcNow;

        var result = Parse(string.Join("\n", lines));

        var problem = Assert.Single(result.Problems);
        Assert.Contains("more than 200000 nodes", problem);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void The_revision_changes_with_the_targets_and_only_with_them()
    {
        var a = Parse(SeedFiles.SeedYaml).Config!.Routes.Single().Revision;
        var b = Parse(SeedFiles.SeedYaml).Config!.Routes.Single().Revision;
        var c = Parse(SeedFiles.SeedYaml.Replace("gpt-5", "gpt-5-mini")).Config!.Routes.Single().Revision;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void The_written_config_parses_back_to_the_same_routes()
    {
        var original = Parse(SeedFiles.SeedYaml).Config!;
        var written = DeckConfigWriter.Write(original with { Version = 7 });
        Assert.Equal(7, (long)written["version"]!);

        var reparsed = Parse(written["config"]!.ToJsonString(), json: true);

        Assert.Empty(reparsed.Problems);
        Assert.Equal(original.Routes.Single().Revision, reparsed.Config!.Routes.Single().Revision);
    }
}
