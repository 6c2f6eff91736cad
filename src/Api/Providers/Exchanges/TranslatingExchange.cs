using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using Actors.Api.Forwarding;

namespace Actors.Api.Providers.Exchanges;

/// <summary>
/// A chat target whose driver writes the provider's request from the client's OpenAI one
/// (<see cref="IProviderDriver.WriteRequest"/>) and translates its answers back (<see cref="TranslatedAnswer"/>).
/// </summary>
public sealed class TranslatingExchange(IProviderDriver driver, ProviderTarget target, TargetUrls urls) : TargetExchange(target, urls)
{
    private readonly TranslatedAnswer _answer = new(driver, target, includeUsage: false);
    private readonly TranslatedAnswer _answerWithUsage = new(driver, target, includeUsage: true);

    public override PreparedRequest? Prepare(in ExchangeRequest request, ArrayPoolBufferWriter<byte> body, out string? error)
    {
        error = null;
        ProviderRequest provider;
        try
        {
            provider = driver.WriteRequest(request.Body.Span, Target, body);
        }
        catch (Exception ex) when (IsRefusal(ex))
        {
            error = CannotSend(ex.Message);
            return null;
        }
        return new PreparedRequest(body.WrittenMemory, UrlFor(provider.Stream), provider.Stream, request.Info.IncludeUsage ? _answerWithUsage : _answer)
        {
            Headers = provider.Headers,
            Sign = provider.Sign,
        };
    }

    /// <summary>How a driver says it cannot express a request (a field it has no place for, a value out of range).</summary>
    public static bool IsRefusal(Exception ex) =>
        ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException;
}
