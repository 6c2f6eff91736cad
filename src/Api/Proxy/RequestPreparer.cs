using CommunityToolkit.HighPerformance.Buffers;
using System.Text.Json;
using Actors.Api.Forwarding;
using Actors.Api.Providers;
using Actors.Api.Providers.ClientFormats;
using Actors.Api.Routing;

namespace Actors.Api.Proxy;

/// <summary>
/// Step 6 (Prepare) of the pipeline (<see cref="ProxyHandler"/>): the provider's request for the picked target. For an
/// OpenAI-compatible driver the client's request is rewritten byte for byte (<see cref="ChatRequestRewriter"/>);
/// any other driver writes its provider's native request (<see cref="IProviderDriver.WriteRequest"/>).
/// </summary>
public static class RequestPreparer
{
    /// <returns>Null when the driver cannot express the request (<paramref name="error"/> says why, for the client).</returns>
    public static PreparedRequest? Prepare(ReadOnlySpan<byte> request, ChatRequestInfo info, ResolvedTarget target,
        ArrayPoolBufferWriter<byte> output, out string? error)
    {
        error = null;
        if (target.Driver is IOpenAICompatibleDriver or null)
        {
            ChatRequestRewriter.Write(request, target, output);
            return new PreparedRequest(output.WrittenMemory, info.Stream ? target.StreamUpstream! : target.Upstream!, info.Stream, info.IncludeUsage, null);
        }
        ProviderRequest provider;
        try
        {
            provider = target.Driver is IClientFormatDriver format
                ? format.WriteClientRequest(request, info.Stream, target.Provider, output)
                : target.Driver.WriteRequest(request, target.Provider, output);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            error = $"the request cannot be sent to provider '{target.Spec.Provider}': {ex.Message}";
            return null;
        }
        return new PreparedRequest(output.WrittenMemory, provider.Stream ? target.StreamUpstream! : target.Upstream!, provider.Stream, info.IncludeUsage, provider);
    }
}
