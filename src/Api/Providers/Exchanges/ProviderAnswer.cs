using System.Net.Http.Headers;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// How a provider's answer to one prepared request reaches the client. Either passed through (the provider speaks
/// the client's format: bytes copied, usage read as they pass) or translated: a whole body, a stream chunk by chunk,
/// and errors, each into the client's format.
/// </summary>
public abstract class ProviderAnswer
{
    /// <summary>Whether the relay must translate (false: the provider's bytes reach the client unchanged).</summary>
    public abstract bool Translates { get; }

    /// <summary>The status a provider's answer counts as for failover (a translated provider's 529 overloaded fails over as 503).</summary>
    public virtual int FailoverStatus(int status) => Translates && status >= 400 ? ProviderErrors.ClientStatus(status) : status;

    /// <summary>A successful non-streamed body → the client's format; null when it is in the client's format already.</summary>
    /// <exception cref="FormatException">The body is not the provider's answer (also <see cref="System.Text.Json.JsonException"/>).</exception>
    public virtual TranslatedResponse? TranslateBody(ReadOnlySpan<byte> providerBody, HttpResponseHeaders headers) => null;

    /// <summary>A translator for a streamed answer; null when the provider streams the client's events already.</summary>
    public virtual IStreamTranslator? CreateStreamTranslator() => null;

    /// <summary>The media type of a translated stream.</summary>
    public virtual string StreamContentType => "text/event-stream";

    /// <summary>A provider error (status 400 or more) → the client's error shape and the status the client gets.</summary>
    public abstract TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody);
}

/// <summary>
/// The provider speaks the client's format (OpenAI to an OpenAI client): everything is copied. Its errors are still
/// the driver's to shape when a client format around it asks (<see cref="TranslateError"/>).
/// </summary>
public sealed class PassedThroughAnswer(IProviderDriver driver) : ProviderAnswer
{
    public override bool Translates => false;

    public override TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => driver.TranslateError(status, providerBody);
}

/// <summary>A driver's translation of its provider's answers into OpenAI's shapes.</summary>
public class TranslatedAnswer(IProviderDriver driver, ProviderTarget target, bool includeUsage) : ProviderAnswer
{
    public override bool Translates => true;

    /// <summary>The target the answer is for.</summary>
    protected ProviderTarget Target => target;

    public override TranslatedResponse? TranslateBody(ReadOnlySpan<byte> providerBody, HttpResponseHeaders headers) =>
        driver.TranslateResponse(providerBody, target);

    public override IStreamTranslator? CreateStreamTranslator() => driver.CreateStreamTranslator(target, includeUsage);

    public override TranslatedError TranslateError(int status, ReadOnlySpan<byte> providerBody) => driver.TranslateError(status, providerBody);
}
