using System.Text.RegularExpressions;
using Actors.Api.Configuration;
using Actors.Api.Providers;
using Actors.Tests.Support;

namespace Actors.Tests.Providers;

/// <summary>Every decK file under <c>examples/</c> is accepted by the real parser, with the variables it names set.</summary>
public sealed partial class ExampleFilesTests
{
    public static TheoryData<string> Examples() => [.. Directory.GetFiles(ExamplesFolder(), "*.yaml").Select(Path.GetFileName).OfType<string>().Order()];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_parses_without_problems(string file)
    {
        var text = File.ReadAllText(Path.Combine(ExamplesFolder(), file));
        var variables = Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(variables, v => Assert.StartsWith("DECK_", v));

        var parsed = new DeckConfigParser(ProviderRegistry.Default, name => variables.Contains(name) ? "test-" + name : null).Parse(text, json: false);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Problems));
        var provider = Path.GetFileNameWithoutExtension(file);
        var targets = parsed.Config!.Routes.Single().Targets;
        if (provider == "mixed") Assert.Equal(["openai", "anthropic", "gemini"], targets.Select(t => t.Provider));
        // llm-format-{format}.yaml: a route whose clients speak that format
        else if (provider.StartsWith("llm-format-", StringComparison.Ordinal)) Assert.Equal(provider["llm-format-".Length..], parsed.Config.Routes.Single().LlmFormat);
        else Assert.Equal(provider, Assert.Single(targets).Provider);
    }

    [Fact]
    public void There_is_an_example_for_every_provider_with_a_driver()
    {
        var files = Directory.GetFiles(ExamplesFolder(), "*.yaml").Select(Path.GetFileNameWithoutExtension);
        Assert.Empty(ProviderRegistry.Default.Names.Except(files));
    }

    private static string ExamplesFolder() => Path.Combine(SeedFiles.RepositoryRoot, "examples");

    [GeneratedRegex("""\$\{\{\s*env\s+"([A-Za-z0-9_]+)"\s*\}\}""")]
    private static partial Regex Placeholder();
}
