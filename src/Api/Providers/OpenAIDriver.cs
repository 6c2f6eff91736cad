namespace Actors.Api.Providers;

public sealed class OpenAIDriver : IProviderDriver
{
    public string Name => "openai";
    public string? DefaultUrl => "https://api.openai.com/v1/chat/completions";
}
