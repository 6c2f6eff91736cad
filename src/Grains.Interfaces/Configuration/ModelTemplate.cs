namespace Actors.Grains.Interfaces.Configuration;

/// <summary>
/// Kong's templates in a target's model name and string options: <c>$(uri_captures.NAME)</c>, <c>$(headers.NAME)</c>
/// and <c>$(query_params.NAME)</c> are filled in from each request (Kong's <c>merge_model_options</c> in
/// <c>kong/llm/drivers/shared.lua</c>). Errors use Kong's words; the pipeline answers them with 400.
/// </summary>
public static class ModelTemplate
{
    public const string UriCaptures = "uri_captures";
    public const string Headers = "headers";
    public const string QueryParams = "query_params";

    private const string Open = "$(";

    /// <summary>Whether <paramref name="value"/> holds a template to fill in per request.</summary>
    public static bool Contains(string? value) => value is not null && value.Contains(Open, StringComparison.Ordinal);

    /// <summary>
    /// Fills every template in <paramref name="value"/>. <paramref name="lookup"/> answers (source, name) with the
    /// request's value, or null when the request has none.
    /// </summary>
    /// <returns>The filled value, or null and Kong's message when a template cannot be filled.</returns>
    public static string? Fill(string value, Func<string, string, string?> lookup, out string? error)
    {
        error = null;
        var start = value.IndexOf(Open, StringComparison.Ordinal);
        if (start < 0) return value;
        var filled = new System.Text.StringBuilder(value.Length);
        var from = 0;
        while (start >= 0)
        {
            var end = value.IndexOf(')', start + Open.Length);
            if (end < 0) break; // an unclosed "$(" is literal text, as in Kong
            var evaluated = Evaluate(value, value[(start + Open.Length)..end], lookup, out error);
            if (evaluated is null) return null;
            filled.Append(value, from, start - from).Append(evaluated);
            from = end + 1;
            start = value.IndexOf(Open, from, StringComparison.Ordinal);
        }
        return filled.Append(value, from, value.Length - from).ToString();
    }

    private static string? Evaluate(string field, string expression, Func<string, string, string?> lookup, out string? error)
    {
        error = null;
        var parts = expression.Split('.');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            error = $"cannot parse expression for field '{field}'";
            return null;
        }
        var (source, name) = (parts[0], parts[1]);
        if (source is not (UriCaptures or Headers or QueryParams))
        {
            error = $"source '{source}' is not supported";
            return null;
        }
        var found = lookup(source, name);
        if (found is null) error = $"{source} key {name} was not provided";
        // Env placeholders are resolved after templates: a client's value must never name a node's variable.
        else if (EnvPlaceholders.Contains(found)) (found, error) = (null, $"{source} key {name} must not contain '${{{{'");
        return found;
    }
}
