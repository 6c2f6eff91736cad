using System.Text.RegularExpressions;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Docs;

/// <summary>
/// The README and docs/ stay usable: every relative link points at a file or folder of the repository (and at a heading
/// that exists, when it names one), the README stays a short front door, and the offline demo's decK file is the seed
/// file pointed at the fake upstream.
/// </summary>
public sealed partial class DocLinksTests
{
    /// <summary>The README keeps to what a newcomer reads in five minutes; the rest belongs in docs/.</summary>
    private const int ReadmeMaxLines = 200;

    private const string FakeUpstream = "http://127.0.0.1:9001/v1/chat/completions";

    private static string Root => SeedFiles.RepositoryRoot;

    /// <summary>README.md, every page in docs/, and the benchmark history they link to; paths relative to the root.</summary>
    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md", "bench/results/history.md" };
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order())
            pages.Add("docs/" + Path.GetFileName(file));
        return pages;
    }

    [Fact]
    public void There_are_docs_pages() => Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_points_at_something_that_exists(string page)
    {
        var path = Path.Combine(Root, page);
        var broken = new List<string>();
        foreach (var (text, target) in Links(File.ReadAllText(path)))
        {
            if (Problem(path, target) is { } problem) broken.Add($"[{text}]({target}): {problem}");
        }

        Assert.True(broken.Count == 0, $"{page} has broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_readme_stays_short()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md")).Length;
        Assert.True(lines <= ReadmeMaxLines, $"README.md has {lines} lines; keep it to {ReadmeMaxLines} and move detail to docs/");
    }

    [Fact]
    public void The_demo_file_is_the_seed_file_pointed_at_the_fake_upstream()
    {
        var demo = File.ReadAllText(Path.Combine(Root, "examples", "demo", "ai-proxy-advanced.yaml")).ReplaceLineEndings("\n");

        // Only its leading comment and the two upstream_url lines may differ from what users have.
        var withoutComments = string.Join("\n", demo.Split('\n').Where(l => !l.StartsWith('#')));
        Assert.Equal(SeedFiles.SeedYamlWithUpstreams(FakeUpstream, FakeUpstream).ReplaceLineEndings("\n"), withoutComments);

        var parsed = new DeckConfigParser(ProviderRegistry.Default, name => name == "DECK_OPENAI_API_KEY" ? "sk-demo" : null).Parse(demo, json: false);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        var route = Assert.Single(parsed.Config!.Routes);
        Assert.Equal("route1", route.Name);
        Assert.Equal(["gpt-4.1", "gpt-5"], route.Targets.Select(t => t.ModelName));
        Assert.All(route.Targets, t => Assert.Equal(FakeUpstream, t.Options.UpstreamUrl));
    }

    [Theory]
    [InlineData("Where to read on", "where-to-read-on")]
    [InlineData("Client formats (`config.llm_format`)", "client-formats-configllm_format")]
    [InlineData("Failover, circuit breaker, timeouts, streaming", "failover-circuit-breaker-timeouts-streaming")]
    [InlineData("Differences from Kong", "differences-from-kong")]
    public void Anchors_follow_GitHub(string heading, string anchor) => Assert.Equal(anchor, Slug(heading));

    /// <summary>Why a link is broken, or null when it is fine (or not ours to check: another site, mail).</summary>
    private static string? Problem(string page, string target)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto") return null;

        var hash = target.IndexOf('#');
        var file = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
        var anchor = hash < 0 ? null : target[(hash + 1)..];

        var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, file));
        // The docs must hold in a fresh clone: nothing outside the repository.
        if (!resolved.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && resolved != Root) return "outside the repository";
        if (!File.Exists(resolved) && !Directory.Exists(resolved)) return "no such file or folder";
        if (anchor is null || !resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) return null;
        return Anchors(File.ReadAllText(resolved)).Contains(anchor) ? null : $"no heading with anchor #{anchor}";
    }

    /// <summary>Inline links outside code: <c>[text](target)</c>, with an optional title.</summary>
    private static IEnumerable<(string Text, string Target)> Links(string markdown) =>
        Link().Matches(WithoutCode(markdown)).Select(m => (m.Groups["text"].Value, m.Groups["target"].Value));

    /// <summary>Code blocks and spans may show link syntax that is not a link; backticks inside link text go too.</summary>
    private static string WithoutCode(string markdown) => CodeSpan().Replace(CodeBlock().Replace(markdown, ""), "");

    /// <summary>Every heading's anchor as GitHub makes it, duplicates numbered -1, -2, ...</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>();
        foreach (Match heading in Heading().Matches(CodeBlock().Replace(markdown, "")))
        {
            var slug = Slug(heading.Groups["text"].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++) unique = $"{slug}-{n}";
        }
        return anchors;
    }

    /// <summary>GitHub's rule: the heading's text, lowercased, punctuation other than '-' and '_' dropped, spaces to '-'.</summary>
    private static string Slug(string heading)
    {
        var text = Link().Replace(heading.Trim(), "${text}");
        var kept = text.ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ');
        return string.Concat(kept).Replace(' ', '-');
    }

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^(```|~~~).*?^\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<text>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
