using System.Text.RegularExpressions;

namespace Actors.Grains.Interfaces.Configuration;

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

    /// <summary>
    /// Whether a credential is stored as it must be: at least one placeholder, every <c>${{</c> well formed, every
    /// variable named <c>DECK_...</c>. The value of a variable is never part of the config.
    /// </summary>
    public static bool IsEnvReference(string value) => Names(value).Count > 0 && SyntaxProblem(value) is null;

    public const string LiteralCredentialProblem =
        "must reference an environment variable, e.g. Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}; literal credentials are not stored in the cluster";

    /// <summary>True when every <c>${{</c> in the value opens a well-formed env placeholder.</summary>
    public static bool IsWellFormed(string value) =>
        Placeholder().Replace(value, "").IndexOf("${{", StringComparison.Ordinal) < 0;

    /// <summary>
    /// What is wrong with the placeholders in <paramref name="value"/> regardless of any node's environment (malformed,
    /// or a variable not named <c>DECK_...</c>); null when nothing is.
    /// </summary>
    public static string? SyntaxProblem(string value)
    {
        if (!Contains(value)) return null;
        if (!IsWellFormed(value)) return "malformed placeholder; the syntax is ${{ env \"DECK_NAME\" }}";
        var wrong = Names(value).FirstOrDefault(n => !n.StartsWith(RequiredPrefix, StringComparison.Ordinal));
        return wrong is null ? null : $"environment variable '{wrong}' must start with {RequiredPrefix}";
    }

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
