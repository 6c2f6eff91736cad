using Actors.Grains.Interfaces.Configuration;

namespace Actors.Api.Routing;

/// <summary>
/// A target's model as one request makes it: Kong's templates in the model name and string options filled in from
/// the request (<see cref="ModelTemplate"/>), and an unset <c>model.name</c> taken from the request's <c>model</c>
/// (Kong's <c>normalize-request</c> filter).
/// </summary>
public static class RequestModel
{
    public const string NoModel = "model parameter not found in request, nor in gateway configuration";

    /// <summary>Whether the target's model differs from request to request (it must be filled in per request).</summary>
    public static bool DependsOnRequest(TargetSpec spec) =>
        (spec.ModelName.Length == 0 && spec.RouteType != RouteTypes.Preserve) || ModelTemplate.Contains(spec.ModelName) || ModelTemplate.Contains(spec.Options.UpstreamUrl)
        || spec.Options.ProviderOptions.Values.Any(ModelTemplate.Contains);

    /// <param name="clientModel">The request's <c>model</c>, or null when it has none.</param>
    /// <param name="lookup">The request's value for (source, name), or null (see <see cref="ModelTemplate.Fill"/>).</param>
    /// <returns>The spec for this request, or null and the client's error (Kong's words).</returns>
    public static TargetSpec? Fill(TargetSpec spec, string? clientModel, Func<string, string, string?> lookup, out string? error)
    {
        if (ModelTemplate.Fill(spec.ModelName, lookup, out error) is not { } name) return null;
        string? url = null;
        if (spec.Options.UpstreamUrl is { } configured && (url = ModelTemplate.Fill(configured, lookup, out error)) is null) return null;
        var providerOptions = new Dictionary<string, string>(spec.Options.ProviderOptions.Count, StringComparer.Ordinal);
        foreach (var (key, value) in spec.Options.ProviderOptions)
        {
            if (ModelTemplate.Fill(value, lookup, out error) is not { } filled) return null;
            providerOptions[key] = filled;
        }
        if (name.Length == 0) name = clientModel ?? "";
        if (name.Length == 0)
        {
            error = NoModel;
            return null;
        }
        return spec with { ModelName = name, Options = spec.Options with { UpstreamUrl = url, ProviderOptions = providerOptions } };
    }
}
