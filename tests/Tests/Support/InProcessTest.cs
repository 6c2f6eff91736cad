using System.Text.Json.Nodes;
using Actors.FakeOpenAI;

namespace Actors.Tests.Support;

/// <summary>
/// Base of the in-process pipeline tests: fakes, raw upstreams and pipeline hosts a test starts are disposed
/// with it, last started first.
/// </summary>
public abstract class InProcessTest : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    protected async Task<T> Own<T>(Task<T> start) where T : IAsyncDisposable
    {
        var owned = await start;
        _owned.Add(owned);
        return owned;
    }

    protected async Task<FakeOpenAIServer> FakeAsync(FakeBehavior? behavior = null)
    {
        var fake = await Own(FakeUpstream.StartAsync());
        if (behavior is not null) fake.Apply(behavior);
        return fake;
    }

    protected static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
