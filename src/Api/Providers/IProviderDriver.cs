namespace Actors.Api.Providers;

/// <summary>
/// What the gateway needs to know about one LLM provider. Each provider is one driver file, as in Kong's
/// <c>kong/llm/drivers</c>; a provider whose API is not OpenAI's would also translate the request and response here.
/// </summary>
public interface IProviderDriver
{
    /// <summary>The name used in <c>model.provider</c>.</summary>
    string Name { get; }

    /// <summary>The chat endpoint used when a target sets no <c>upstream_url</c>; null when one is required.</summary>
    string? DefaultUrl { get; }
}
