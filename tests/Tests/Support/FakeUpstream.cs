using Actors.FakeOpenAI;

namespace Actors.Tests.Support;

/// <summary>Starts the project's fake OpenAI server on a free loopback port inside the test process.</summary>
public static class FakeUpstream
{
    public static async Task<FakeOpenAIServer> StartAsync(params string[] args)
    {
        var server = FakeOpenAIServer.Create(["--urls", $"http://127.0.0.1:{FreePorts.Next()}", .. args]);
        await server.StartAsync();
        return server;
    }
}
