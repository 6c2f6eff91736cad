using Actors.Api.Providers;
using Actors.FakeOpenAI;
using Actors.Tests.Support;

namespace Actors.Tests.Providers;

/// <summary>One fake server (every native API) on a free loopback port for a test class; stopped with it.</summary>
public sealed class FakeServerFixture : IAsyncLifetime
{
    public FakeOpenAIServer Server { get; private set; } = null!;
    public string BaseUrl => Server.BaseUrl;

    public async Task InitializeAsync() => Server = await FakeUpstream.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Sets a failure switch for the body of <paramref name="run"/>, then turns every switch off.</summary>
    public async Task WithBehaviorAsync(FakeBehavior behavior, Func<Task> run)
    {
        Server.Apply(behavior);
        try { await run(); }
        finally { Server.Apply(new FakeBehavior()); }
    }

    /// <summary>A one-message chat through <paramref name="driver"/> while the fake answers every request with <paramref name="status"/>.</summary>
    public async Task<ProviderTestKit.Exchange> SendWhileFailingAsync(int status, IProviderDriver driver, ProviderTarget target, string url)
    {
        ProviderTestKit.Exchange? exchange = null;
        await WithBehaviorAsync(new FakeBehavior { Status = status }, async () =>
            exchange = await ProviderTestKit.SendAsync(driver, target, url, """{"messages":[{"role":"user","content":"Hi"}]}"""));
        return exchange!;
    }
}
