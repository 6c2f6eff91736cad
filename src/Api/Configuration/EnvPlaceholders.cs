using System.Text.RegularExpressions;

namespace Actors.Api.Configuration;

/// <summary>
/// decK's <c>${{ env "DECK_NAME" }}</c> placeholders. The cluster only ever stores the placeholder; the API node
/// that forwards a request substitutes the value from its own environment.
/// </summary>
public static partial class EnvPlaceholders
{
    public const string RequiredPrefix = "DECK_";

    [GeneratedRegex("""\$\{\{\s*env\s+"([^"]*)"\s*\}\}""")]
    private static partial Regex Placeholder();

    public static bool Contains(string value) => value.Contains("${{", StringComparison.Ordinal);

    /// <summary>The variable names referenced by <paramref name="value"/>.</summary>
    public static IReadOnlyList<string> Names(string value) =>
        Placeholder().Matches(value).Select(m => m.Groups[1].Value).ToArray();

    /// <summary>True when every <c>${{</c> in the value opens a well-formed env placeholder.</summary>
    public static bool IsWellFormed(string value) =>
        Placeholder().Replace(value, "").IndexOf("${{", StringComparison.Ordinal) < 0;

    /// <summary>Substitutes every placeholder; names whose variable is unset are returned in <paramref name="missing"/>.</summary>
    public static string Resolve(string value, Func<string, string?> lookup, out IReadOnlyList<string> missing)
    {
        var absent = new List<string>();
        var resolved = Placeholder().Replace(value, m =>
        {
            var v = lookup(m.Groups[1].Value);
            if (v is null) absent.Add(m.Groups[1].Value);
            return v ?? "";
        });
        missing = absent;
        return resolved;
    }
}
