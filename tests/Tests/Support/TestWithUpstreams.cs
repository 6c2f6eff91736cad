using System.Text.Json.Nodes;
using Actors.FakeOpenAI;

namespace Actors.Tests.Support;

/// <summary>
/// Base of tests that start servers (fake providers, raw upstreams, pipeline hosts, gateway nodes): everything a
/// test starts through <see cref="Own{T}(T)"/> is disposed with it, last started first.
/// </summary>
public abstract class TestWithUpstreams : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    protected async Task<T> Own<T>(Task<T> start) where T : IAsyncDisposable => Own(await start);

    protected T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    protected async Task<FakeOpenAIServer> FakeAsync(FakeBehavior? behavior = null, params string[] args)
    {
        var fake = await Own(FakeUpstream.StartAsync(args));
        if (behavior is not null) fake.Apply(behavior);
        return fake;
    }

    protected static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
