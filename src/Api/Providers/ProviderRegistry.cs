namespace Actors.Api.Providers;

public sealed class ProviderRegistry(IEnumerable<IProviderDriver> drivers)
{
    private readonly Dictionary<string, IProviderDriver> _drivers = drivers.ToDictionary(d => d.Name, StringComparer.Ordinal);

    public static ProviderRegistry Default { get; } = new(
    [
        new OpenAIDriver(),
        new Anthropic.AnthropicDriver(),
        new Gemini.GeminiDriver(),
        new Bedrock.BedrockDriver(),
        .. OpenAICompatible.OpenAICompatibleDrivers.All(),
    ]);

    public IEnumerable<string> Names => _drivers.Keys.Order(StringComparer.Ordinal);

    public IProviderDriver? Find(string name) => _drivers.GetValueOrDefault(name);
}
