using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Actors.Api.Providers.RateLimits;

/// <summary>
/// How long a provider asked not to be sent anything, read from a rate-limited answer: a <c>429</c>, or a <c>503</c>
/// (Anthropic's <c>529</c>) that names a time. The forms providers use, most precise first:
/// <list type="bullet">
/// <item>Azure OpenAI's <c>retry-after-ms</c> (milliseconds);</item>
/// <item><c>Retry-After</c>: seconds, or an HTTP date (RFC 9110);</item>
/// <item>OpenAI's <c>x-ratelimit-reset-requests</c> / <c>-tokens</c> (<c>6m0s</c>, <c>20ms</c>, <c>1.5s</c>) when the
/// matching <c>x-ratelimit-remaining-*</c> is 0;</item>
/// <item>Anthropic's <c>anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset</c> (RFC 3339 times)
/// when the matching <c>-remaining</c> is 0.</item>
/// </list>
/// A 429 without any of these cools for <see cref="CooldownSettings.Default"/>. Every cooldown is capped at
/// <see cref="CooldownSettings.Max"/>, so a provider (or anything posing as one) cannot take a target out for a year.
/// </summary>
public static partial class ProviderCooldown
{
    /// <returns>The cooldown, or null when the answer asks for none (or cooldowns are off).</returns>
    /// <remarks>Called for every answer: the clock is read only for a rate-limited one.</remarks>
    public static TimeSpan? From(int status, HttpResponseHeaders headers, TimeProvider time, CooldownSettings settings)
    {
        if (!settings.Enabled || status is not (429 or 503 or 529)) return null;
        var now = time.GetUtcNow();
        var asked = RetryAfterMs(headers) ?? RetryAfter(headers, now) ?? Resets(headers, now);
        if (asked is null && status != 429) return null;
        var cooldown = asked ?? settings.Default;
        return cooldown <= TimeSpan.Zero ? null : cooldown > settings.Max ? settings.Max : cooldown;
    }

    private static TimeSpan? RetryAfterMs(HttpResponseHeaders headers) =>
        First(headers, "retry-after-ms") is { } value && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    /// <summary><c>Retry-After</c>: delay-seconds or an HTTP date (an unparsable value is ignored).</summary>
    private static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (First(headers, "Retry-After") is not { } value) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        return DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? Later(date - now)
            : null;
    }

    /// <summary>The longest reset among the limits the answer says are used up.</summary>
    private static TimeSpan? Resets(HttpResponseHeaders headers, DateTimeOffset now)
    {
        TimeSpan? longest = null;
        void Consider(TimeSpan? reset)
        {
            if (reset is { } r && (longest is null || r > longest)) longest = r;
        }
        foreach (var limit in OpenAILimits)
            if (Exhausted(headers, $"x-ratelimit-remaining-{limit}"))
                Consider(First(headers, $"x-ratelimit-reset-{limit}") is { } reset ? GoDuration(reset) : null);
        foreach (var limit in AnthropicLimits)
            if (Exhausted(headers, $"anthropic-ratelimit-{limit}-remaining"))
                Consider(First(headers, $"anthropic-ratelimit-{limit}-reset") is { } at
                    && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? Later(time - now) : null);
        return longest;
    }

    private static readonly string[] OpenAILimits = ["requests", "tokens"];
    private static readonly string[] AnthropicLimits = ["requests", "tokens", "input-tokens", "output-tokens"];

    private static bool Exhausted(HttpResponseHeaders headers, string remaining) =>
        First(headers, remaining) is { } value && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) && left <= 0;

    /// <summary>A duration as OpenAI writes it (Go's format): <c>1h2m3.5s</c>, <c>6m0s</c>, <c>20ms</c>; null when it is not one.</summary>
    public static TimeSpan? GoDuration(string text)
    {
        var matches = DurationPart().Matches(text.Trim());
        if (matches.Count == 0 || matches.Sum(m => m.Length) != text.Trim().Length) return null;
        var total = TimeSpan.Zero;
        foreach (Match part in matches)
        {
            var amount = double.Parse(part.Groups["amount"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                "us" or "µs" => TimeSpan.FromMicroseconds(amount),
                _ => TimeSpan.FromTicks((long)(amount / 100)), // ns
            };
        }
        return total;
    }

    [GeneratedRegex(@"(?<amount>\d+(?:\.\d+)?)(?<unit>ms|us|µs|ns|h|m|s)")]
    private static partial Regex DurationPart();

    private static TimeSpan Later(TimeSpan until) => until > TimeSpan.Zero ? until : TimeSpan.Zero;

    /// <summary>The header's first value as sent (an HTTP date holds a comma, so values are not split).</summary>
    private static string? First(HttpResponseHeaders headers, string name)
    {
        if (!headers.NonValidated.TryGetValues(name, out var values)) return null;
        foreach (var value in values) return value;
        return null;
    }
}

/// <summary>
/// The <c>Gateway:Cooldowns</c> section: whether a rate-limited target is kept out of the rotation cluster-wide for
/// the time its provider names (on by default; off keeps Kong's behaviour, where a rate-limited target stays in the
/// rotation), the cooldown of a 429 that names no time, and the longest cooldown taken from a provider.
/// </summary>
public sealed class CooldownSettings
{
    public const string SectionName = "Gateway:Cooldowns";

    public bool Enabled { get; set; } = true;
    public TimeSpan Default { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Max { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Validate()
    {
        if (Default <= TimeSpan.Zero) yield return "Gateway:Cooldowns:Default must be positive";
        if (Max < Default) yield return "Gateway:Cooldowns:Max must be at least Gateway:Cooldowns:Default";
    }
}
