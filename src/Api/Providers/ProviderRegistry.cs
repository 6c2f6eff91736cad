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
        new Ollama.OllamaDriver(),
        new Cohere.CohereDriver(),
        .. OpenAICompatible.OpenAICompatibleDrivers.All(),
        new FormatSwitchDriver("mistral", "mistral_format", "openai", new Dictionary<string, IProviderDriver>
        {
            ["openai"] = OpenAICompatible.OpenAICompatibleDriver.WithDefault("mistral", OpenAICompatible.OpenAICompatibleDrivers.MistralUrl,
                OpenAICompatible.OpenAICompatibleDrivers.ChatAndEmbeddings),
            ["ollama"] = new Ollama.OllamaDriver(),
        }),
        // Self-hosted llama2 has no default URL in any format.
        new FormatSwitchDriver("llama2", "llama2_format", "openai", new Dictionary<string, IProviderDriver>
        {
            ["openai"] = OpenAICompatible.OpenAICompatibleDriver.WithDefault("llama2", null),
            ["ollama"] = new Ollama.OllamaDriver(),
        }),
    ]);

    public IEnumerable<string> Names => _drivers.Keys.Order(StringComparer.Ordinal);

    public IProviderDriver? Find(string name) => _drivers.GetValueOrDefault(name);
}
