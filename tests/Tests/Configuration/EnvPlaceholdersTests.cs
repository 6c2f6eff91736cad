using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Configuration;

public class EnvPlaceholdersTests
{
    [Fact]
    public void Resolves_every_placeholder_keeping_the_text_around_it()
    {
        var env = new Dictionary<string, string> { ["DECK_A"] = "one", ["DECK_B"] = "two" };
        var value = EnvPlaceholders.Resolve("Bearer ${{ env \"DECK_A\" }}-${{env \"DECK_B\"}}", n => env.GetValueOrDefault(n), out var missing);

        Assert.Equal("Bearer one-two", value);
        Assert.Empty(missing);
    }

    [Fact]
    public void Reports_unset_variables_by_name()
    {
        EnvPlaceholders.Resolve("${{ env \"DECK_GONE\" }}", _ => null, out var missing);

        Assert.Equal(["DECK_GONE"], missing);
    }

    [Theory]
    [InlineData("Bearer ${{ env \"DECK_A\" }}", true)]
    [InlineData("no placeholder", true)]
    [InlineData("${{ env DECK_A }}", false)]
    [InlineData("${{ vault \"x\" }}", false)]
    public void Recognises_malformed_placeholders(string value, bool wellFormed) =>
        Assert.Equal(wellFormed, EnvPlaceholders.IsWellFormed(value));
}
