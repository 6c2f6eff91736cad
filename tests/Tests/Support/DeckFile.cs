namespace Actors.Tests.Support;

/// <summary>Small decK documents for tests: one route, targets pointed at given upstreams.</summary>
public static class DeckFile
{
    public static string Route(string name, IEnumerable<(string Model, string Url)> targets, string balancer = "")
    {
        var lines = new List<string>
        {
            "_format_version: \"3.0\"",
            "services:",
            $"- name: svc-{name}",
            "  routes:",
            $"  - name: {name}",
            $"    paths: [/{name}]",
            "    plugins:",
            "    - name: ai-proxy-advanced",
            "      config:",
            "        balancer:",
        };
        if (!balancer.Contains("algorithm:")) lines.Add("          algorithm: round-robin");
        lines.AddRange(balancer.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "          " + l.Trim()));
        lines.Add("        targets:");
        foreach (var (model, url) in targets)
        {
            lines.Add($"        - model: {{provider: openai, name: {model}, options: {{upstream_url: '{url}'}}}}");
            lines.Add("          route_type: llm/v1/chat");
            lines.Add("          auth: {header_name: Authorization, header_value: 'Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}'}");
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>Several <see cref="Route"/> documents as one (each route has its own service).</summary>
    public static string Combine(params string[] documents) =>
        documents[0] + string.Concat(documents.Skip(1).Select(d => d[(d.IndexOf("services:\n", StringComparison.Ordinal) + "services:\n".Length)..]));
}
