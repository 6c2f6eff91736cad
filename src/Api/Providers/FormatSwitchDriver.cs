using System.Buffers;

namespace Actors.Api.Providers;

/// <summary>
/// A provider whose wire format is a model option, as Kong's <c>llama2_format</c> and <c>mistral_format</c>: each
/// target's option picks the driver that does the work; without it, <paramref name="defaultFormat"/>'s. A format
/// without a driver here (llama2's <c>raw</c>) resolves no URL, so the target is refused rather than sent in another format.
/// </summary>
public sealed class FormatSwitchDriver(string name, string option, string defaultFormat, IReadOnlyDictionary<string, IProviderDriver> formats)
    : IProviderDriver
{
    public string Name => name;

    /// <summary>The default format's: the config check knows the provider, not yet each target's format.</summary>
    public IReadOnlyCollection<string> RouteTypes => formats[defaultFormat].RouteTypes;

    private IProviderDriver? Find(ProviderTarget target) =>
        target.Options.TryGetValue(option, out var format) ? formats.GetValueOrDefault(format) : formats[defaultFormat];

    private IProviderDriver For(ProviderTarget target) => Find(target) ?? formats[defaultFormat];

    /// <remarks>A format that does not serve the target's route type (ollama for embeddings) resolves no URL: refused per target.</remarks>
    public Uri? ResolveUrl(ProviderTarget target, string? configuredUrl, bool stream) =>
        Find(target) is { } driver && driver.RouteTypes.Contains(target.RouteType) ? driver.ResolveUrl(target, configuredUrl, stream) : null;

    public ProviderRequest WriteRequest(ReadOnlySpan<byte> openAIRequest, ProviderTarget target, IBufferWriter<byte> body) =>
        For(target).WriteRequest(openAIRequest, target, body);

    public TranslatedResponse? TranslateResponse(ReadOnlySpan<byte> providerBody, ProviderTarget target) =>
        For(target).TranslateResponse(providerBody, target);

    public IStreamTranslator? CreateStreamTranslator(ProviderTarget target, bool includeUsage) =>
        For(target).CreateStreamTranslator(target, includeUsage);

    /// <remarks>Errors carry no target; the default format's translation also reads the other formats' error shapes.</remarks>
    public TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => formats[defaultFormat].TranslateError(status, providerBody);
}
