namespace Actors.Api.Providers;

/// <summary>
/// A driver whose provider speaks OpenAI's chat format (OpenAI itself; Azure, Mistral and the like): the proxy
/// rewrites the client's request byte for byte (model, options, body credential) instead of calling
/// <see cref="IProviderDriver.WriteRequest"/>, and copies responses and streams without asking the driver.
/// </summary>
public interface IOpenAICompatibleDriver : IProviderDriver;
