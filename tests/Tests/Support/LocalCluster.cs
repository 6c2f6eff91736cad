using Actors.FakeOpenAI;

namespace Actors.Tests.Support;

/// <summary>
/// A real cluster on this machine: redis-server, silos and API nodes, each its own OS process, plus two fake
/// upstreams (one per seed target). Each cluster gets a fresh ClusterId. Ports are fixed per node so a restarted
/// node comes back where it was.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<(int SiloPort, int GatewayPort, int HttpPort)> _siloPorts = [];
    private readonly List<(int Proxy, int Admin)> _apiPorts = [];
    private readonly List<ManagedProcess> _killed = []; // kept for their output

    private readonly string[] _extraArgs;

    private LocalCluster(RedisServer redis, string[] extraArgs)
    {
        Redis = redis;
        _extraArgs = extraArgs;
        ClusterId = "test-" + Guid.NewGuid().ToString("N")[..12];
    }

    public RedisServer Redis { get; }
    public string ClusterId { get; }
    public List<ManagedProcess?> Silos { get; } = [];
    public List<GatewayNode?> Apis { get; } = [];
    public FakeOpenAIServer Gpt41 { get; private set; } = null!;
    public FakeOpenAIServer Gpt5 { get; private set; } = null!;

    public string SeedConfig => SeedFiles.SeedYamlWithUpstreams(Gpt41.ChatUrl, Gpt5.ChatUrl);

    /// <param name="extraArgs">Arguments given to every silo and API node (e.g. a log level).</param>
    public static async Task<LocalCluster> StartAsync(int silos, int apis, params string[] extraArgs)
    {
        var cluster = new LocalCluster(await RedisServer.StartAsync(), extraArgs);
        try
        {
            cluster.Gpt41 = await FakeUpstream.StartAsync();
            cluster.Gpt5 = await FakeUpstream.StartAsync();
            for (var i = 0; i < silos; i++) cluster._siloPorts.Add((FreePorts.Next(), FreePorts.Next(), FreePorts.Next()));
            for (var i = 0; i < apis; i++) cluster._apiPorts.Add((FreePorts.Next(), FreePorts.Next()));
            cluster.Silos.AddRange(new ManagedProcess?[silos]);
            cluster.Apis.AddRange(new GatewayNode?[apis]);
            await cluster.StartAllAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private IEnumerable<string> ClusterArgs => ["--Cluster:Redis", Redis.ConnectionString, "--Cluster:ClusterId", ClusterId, .. _extraArgs];

    /// <summary>Starts every node that is not running: silos first (API nodes need a gateway), then API nodes.</summary>
    public async Task StartAllAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, Silos.Count).Where(i => Silos[i] is null).Select(StartSiloAsync));
        await Task.WhenAll(Enumerable.Range(0, Apis.Count).Where(i => Apis[i] is null).Select(StartApiAsync));
    }

    public async Task StartSiloAsync(int index)
    {
        var (siloPort, gatewayPort, httpPort) = _siloPorts[index];
        var silo = ManagedProcess.Start($"silo{index}", "Silo",
            [.. ClusterArgs, "--Cluster:SiloPort", siloPort.ToString(), "--Cluster:GatewayPort", gatewayPort.ToString(), "--urls", $"http://127.0.0.1:{httpPort}"]);
        Silos[index] = silo;
        await silo.WaitUntilHealthyAsync($"http://127.0.0.1:{httpPort}/healthz", TimeSpan.FromSeconds(60));
    }

    public async Task StartApiAsync(int index)
    {
        var (proxy, admin) = _apiPorts[index];
        Apis[index] = await GatewayNode.StartAsync(proxy, admin, ClusterArgs, name: $"api{index}");
    }

    /// <summary>The silo index whose Orleans port appears in a silo address such as <c>S127.0.0.1:11111:123</c>.</summary>
    public int SiloIndexOf(string siloAddress)
    {
        var port = int.Parse(siloAddress.Split(':')[1]);
        return _siloPorts.FindIndex(p => p.SiloPort == port);
    }

    public void KillSilo(int index)
    {
        Silos[index]!.Kill();
    }

    /// <summary>kill -9 of every silo and API node (Redis stays); start them again with <see cref="StartAllAsync"/>.</summary>
    public async Task KillAllAsync()
    {
        foreach (var api in Apis) api?.Process.Kill();
        foreach (var silo in Silos) silo?.Kill();
        foreach (var api in Apis) if (api is not null) await api.DisposeAsync();
        foreach (var silo in Silos) if (silo is not null) await silo.DisposeAsync();
        for (var i = 0; i < Apis.Count; i++) Apis[i] = null;
        for (var i = 0; i < Silos.Count; i++) Silos[i] = null;
    }

    /// <summary>kill -9 of every silo at once; API nodes and Redis stay.</summary>
    public void KillAllSilos()
    {
        var running = Silos.Where(s => s is not null).Select(s => s!).ToArray();
        Parallel.ForEach(running, silo => silo.Kill());
        for (var i = 0; i < Silos.Count; i++) Retire(i);
    }

    /// <summary>Kills the silo if it still runs and starts it again on the same ports, as a supervisor would.</summary>
    public Task RestartSiloAsync(int index)
    {
        Silos[index]?.Kill();
        Retire(index);
        return StartSiloAsync(index);
    }

    private void Retire(int index)
    {
        if (Silos[index] is { } dead) lock (_killed) _killed.Add(dead);
        Silos[index] = null;
    }

    /// <summary>Graceful stop of every node (Redis stays): API nodes first, then silos.</summary>
    public async Task StopAllAsync()
    {
        await Task.WhenAll(Apis.Where(a => a is not null).Select(a => a!.Process.StopAsync(TimeSpan.FromSeconds(20))));
        await Task.WhenAll(Silos.Where(s => s is not null).Select(s => s!.StopAsync(TimeSpan.FromSeconds(20))));
        foreach (var api in Apis) if (api is not null) await api.DisposeAsync();
        foreach (var silo in Silos) if (silo is not null) await silo.DisposeAsync();
        for (var i = 0; i < Apis.Count; i++) Apis[i] = null;
        for (var i = 0; i < Silos.Count; i++) Silos[i] = null;
    }

    public string Logs() => string.Join("\n", _killed.Concat(Silos).Concat<object?>(Apis).Where(n => n is not null)
        .Select(n => n switch
        {
            ManagedProcess p => $"===== {p.Name} =====\n{p.Output}",
            GatewayNode g => $"===== {g.Process.Name} =====\n{g.Process.Output}",
            _ => "",
        }));

    public async ValueTask DisposeAsync()
    {
        foreach (var api in Apis) if (api is not null) await api.DisposeAsync();
        foreach (var silo in Silos) if (silo is not null) await silo.DisposeAsync();
        foreach (var silo in _killed) await silo.DisposeAsync();
        if (Gpt41 is not null) await Gpt41.DisposeAsync();
        if (Gpt5 is not null) await Gpt5.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
