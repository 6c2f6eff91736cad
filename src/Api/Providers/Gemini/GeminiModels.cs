using System.Text.RegularExpressions;

namespace Actors.Api.Providers.Gemini;

/// <summary>
/// What the gateway must know of a Gemini model from its name: its generation (3 and later sign their function calls
/// and think by level; 2.x think by token budget) and whether it is a Pro model (no <c>MINIMAL</c> level).
/// </summary>
public static partial class GeminiModels
{
    [GeneratedRegex(@"(?:^|/)gemini-(\d+)(?:[.\-]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Generation();

    /// <summary>The major version in <c>gemini-3-pro-preview</c>, <c>models/gemini-2.5-flash</c>...; null for aliases such as <c>gemini-flash-latest</c>.</summary>
    public static int? MajorVersion(string model) =>
        Generation().Match(model) is { Success: true } match && int.TryParse(match.Groups[1].ValueSpan, out var major) ? major : null;

    /// <summary>Gemini 3 and later, and aliases (which name the newest models): function calls carry thought signatures.</summary>
    public static bool RequiresThoughtSignatures(string model) => MajorVersion(model) is not { } major || major >= 3;

    private static bool IsPro(string model) => model.Contains("-pro", StringComparison.Ordinal);

    /// <summary>
    /// OpenAI's <c>reasoning_effort</c> as Google's OpenAI compatibility layer maps it: Gemini 3 and later take a
    /// <c>thinkingLevel</c> (minimal becomes LOW on Pro models, which have no MINIMAL; none, which Gemini 3 cannot do,
    /// the lowest level; xhigh and max the highest, HIGH); Gemini 2.x a <c>thinkingBudget</c> of 1,024 (minimal, low),
    /// 8,192 (medium) or 24,576 tokens (high and above), none turning thinking off (0).
    /// </summary>
    public static (string? Level, long? Budget) Thinking(string model, string effort)
    {
        if (MajorVersion(model) is { } major && major < 3)
        {
            return (null, effort switch
            {
                "none" => 0,
                "minimal" or "low" => 1024,
                "medium" => 8192,
                _ => 24576,
            });
        }
        return (effort switch
        {
            "none" or "minimal" => IsPro(model) ? "LOW" : "MINIMAL",
            "low" => "LOW",
            "medium" => "MEDIUM",
            _ => "HIGH",
        }, null);
    }
}
