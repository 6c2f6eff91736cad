using System.Text.RegularExpressions;

namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// Kong's regex route paths: a path starting with <c>~</c> is a regular expression anchored at the start of the
/// request path (Kong's router prefixes it with <c>^</c>), whose named groups are the request's
/// <c>uri_captures</c>. Kong's PCRE <c>(?P&lt;name&gt;...)</c> is read as .NET's <c>(?&lt;name&gt;...)</c>.
/// </summary>
public static class RoutePathPattern
{
    /// <summary>A request path is short; a pattern that backtracks past this on one is treated as not matching.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static bool IsRegex(string path) => path.StartsWith('~');

    /// <summary>The compiled pattern of a regex path (see <see cref="IsRegex"/>); throws on a pattern <see cref="Problem"/> refuses.</summary>
    public static Regex Compile(string path) =>
        new("^" + path[1..].Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>Null when the regex path compiles.</summary>
    public static string? Problem(string path)
    {
        if (path.Length < 2) return "a regex path needs a pattern after ~";
        try
        {
            Compile(path);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"is not a valid regular expression ({ex.Message})";
        }
    }

    /// <summary>Whether <paramref name="pattern"/> matches <paramref name="path"/>; a match that times out does not.</summary>
    public static Match? Match(Regex pattern, string path)
    {
        try
        {
            var match = pattern.Match(path);
            return match.Success ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
