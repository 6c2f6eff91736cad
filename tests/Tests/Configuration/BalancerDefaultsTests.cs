using System.Text.Json.Nodes;
using Actors.Tests.Support;

namespace Actors.Tests.Configuration;

/// <summary>A balancer block that leaves a field out behaves as Kong's 3.15 schema says it does by default.</summary>
public class BalancerDefaultsTests
{
    private const string NoBalancerFields = """
        _format_version: "3.0"
        services:
        - name: s
          routes:
          - name: r1
            paths: [/r1]
            plugins:
            - name: ai-proxy-advanced
              config:
                targets:
                - model: {provider: openai, name: gpt-4.1}
                  route_type: llm/v1/chat
        """;

    [Fact]
    public void Every_failover_and_breaker_default_is_kongs()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(SeedFiles.RepositoryRoot, "..", "shared", "reference", "kong-ai-proxy-advanced-3.15.schema.json")))!;
        var kong = schema["properties"]!["config"]!["properties"]!["balancer"]!["properties"]!;
        JsonNode Default(string field) => kong[field]!["default"]!;

        var result = DeckParsing.Parse(NoBalancerFields);

        Assert.Empty(result.Problems);
        var balancer = Assert.Single(result.Config!.Routes).Balancer;
        Assert.Equal(Default("failover_criteria").AsArray().Select(c => (string)c!), balancer.FailoverCriteria);
        Assert.Equal((int)Default("max_fails"), balancer.MaxFails);
        Assert.Equal((int)Default("fail_timeout"), balancer.FailTimeoutMs);
        Assert.Equal((int)Default("retries"), balancer.Retries);
        Assert.Equal((int)Default("connect_timeout"), balancer.ConnectTimeoutMs);
        Assert.Equal((int)Default("read_timeout"), balancer.ReadTimeoutMs);
        Assert.Equal((int)Default("write_timeout"), balancer.WriteTimeoutMs);
    }
}
