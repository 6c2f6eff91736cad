using System.Diagnostics;
using System.Net;
using System.Runtime;
using Actors.Api.Configuration;
using Actors.Api.Hosting;
using Actors.Api.Logging;
using Actors.Api.Picking;
using Actors.Api.Providers;
using Actors.Api.Proxy;
using Actors.Api.Routing;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Options;

namespace Actors.Api.WarmUp;

/// <summary>
/// Before the node listens, sends rounds of <c>Gateway:WarmUpRequests</c> chat requests through a private Kestrel
/// server (<see cref="LoopbackFrontEnd"/>) and a private copy of the proxy pipeline (match, admit, read, check,
/// prepare, forward, relay) to a <see cref="LoopbackUpstream"/>, until a round compiles no method: the first real
/// requests then run code the JIT has finished with instead of tiering it up under their load. The copy has its own
/// route table, picker, HTTP clients, metrics and a discarding log: nothing reaches the cluster, the real routes,
/// <c>/metrics</c> or the log. At most <see cref="Budget"/>; never stops the start: a failed warm-up is logged and
/// the node goes on.
/// </summary>
public sealed class PipelineWarmUp(ProviderRegistry providers, IOptions<GatewaySettings> options, ILogger<PipelineWarmUp> logger) : IHostedService
{
    /// <summary>Requests in flight at once: enough to run the concurrent paths (pools, locks) too.</summary>
    private const int Concurrency = 8;

    /// <summary>The longest the warm-up may hold up the start (a slow or busy machine); what it did by then still counts.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <summary>Rounds in a row in which the JIT compiled nothing before the warm-up ends.</summary>
    private const int QuietRoundsToStop = 2;

    private static readonly byte[] ChatBody = """{"model":"warmup","messages":[{"role":"user","content":"warm up"}],"temperature":0.5}"""u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var requests = options.Value.WarmUpRequests;
        if (requests <= 0) return;
        var clock = Stopwatch.StartNew();
        var compiledBefore = JitInfo.GetCompiledMethodCount();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        var progress = new Progress();
        try
        {
            await RunAsync(requests, untilQuiet: true, progress, budget.Token);
            logger.LogInformation("Warmed the request path: {Answered} of {Requests} requests answered 200, {Compiled} methods compiled, in {Ms} ms",
                progress.Answered, progress.Sent, JitInfo.GetCompiledMethodCount() - compiledBefore, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Warming the request path took over {Budget} ({Requests} requests, {Compiled} methods compiled); starting with what it did",
                Budget, progress.Sent, JitInfo.GetCompiledMethodCount() - compiledBefore);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Warming the request path failed after {Ms} ms; starting without it", clock.ElapsedMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>How many of <paramref name="requests"/> requests were answered 200.</returns>
    public async Task<int> RunAsync(int requests, CancellationToken cancellationToken)
    {
        var progress = new Progress();
        await RunAsync(requests, untilQuiet: false, progress, cancellationToken);
        return progress.Answered;
    }

    /// <summary>
    /// Sends rounds of <paramref name="requests"/>; with <paramref name="untilQuiet"/>, goes on until a round in which
    /// the JIT compiled nothing, so the hot methods have been through every tier (tiered PGO compiles each twice
    /// after its first calls) before real requests arrive, instead of tiering up under the first real load.
    /// </summary>
    private async Task RunAsync(int requests, bool untilQuiet, Progress progress, CancellationToken cancellationToken)
    {
        await using var upstream = new LoopbackUpstream();
        await using var pipeline = NewPipeline(upstream.ChatUrl);
        var handler = pipeline.GetRequiredService<ProxyHandler>();
        await using var frontEnd = await LoopbackFrontEnd.StartAsync(handler.HandleAsync, cancellationToken);
        var quietRounds = 0;
        do
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (_, token) =>
                {
                    if (await SendAsync(frontEnd.Client, token) == HttpStatusCode.OK) Interlocked.Increment(ref progress.Answered);
                });
            progress.Sent += requests;
            quietRounds = JitInfo.GetCompiledMethodCount() == compiled ? quietRounds + 1 : 0;
        }
        while (untilQuiet && quietRounds < QuietRoundsToStop);
    }

    private sealed class Progress
    {
        public int Sent;
        public int Answered;
    }

    /// <summary>A private pipeline from the one composition root, with its own route table, clients, metrics and a discarding log.</summary>
    private ServiceProvider NewPipeline(Uri upstream)
    {
        // The stand-in's "key" is a placeholder like any route's; it exists only in this copy's environment.
        Func<string, string?> environment = name => name == KeyVariable ? "warmup" : null;
        var parsed = new DeckConfigParser(providers, environment).Parse(Deck(upstream), json: false);
        if (!parsed.IsValid) throw new InvalidOperationException("warm-up config: " + string.Join("; ", parsed.Problems));
        var routes = new RouteTableHolder(providers);
        routes.Install(parsed.Config! with { Version = 1 }, environment);
        // defaults: no caps that a burst of warm-up requests could hit
        return ProxyPipeline.BuildDetached(new GatewaySettings(), services => services
            .AddSingleton(providers)
            .AddSingleton(routes)
            .AddSingleton<IConfigRefresher, NoRefresh>()
            .AddSingleton<ITargetPicker, FirstTarget>()
            .AddSingleton(new RequestLogSink(Stream.Null, new PlainRequestLogFormat(), 1, TimeSpan.Zero)));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(ChatBody);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("/warmup", content, cancellationToken);
        await response.Content.CopyToAsync(Stream.Null, cancellationToken);
        return response.StatusCode;
    }

    private const string KeyVariable = "DECK_ACTORS_WARMUP_KEY";

    private static string Deck(Uri upstream) => $$$"""
        _format_version: "3.0"
        services:
        - name: warmup
          routes:
          - name: warmup
            paths: [/warmup]
            plugins:
            - name: ai-proxy-advanced
              config:
                targets:
                - model: {provider: openai, name: warmup, options: {upstream_url: '{{{upstream}}}'}}
                  route_type: llm/v1/chat
                  auth: {header_name: Authorization, header_value: 'Bearer ${{ env "{{{KeyVariable}}}" }}'}
        """;

    /// <summary>The warm-up route has one target; picking it needs no cluster.</summary>
    private sealed class FirstTarget : ITargetPicker
    {
        public Task<PickResult> PickAsync(ResolvedRoute route, ulong excluded, string? hashKey, CancellationToken cancellationToken) =>
            Task.FromResult(excluded == 0 ? new PickResult(PickOutcome.Picked, 0) : new PickResult(PickOutcome.NoTarget));

        public void Report(ResolvedRoute route, TargetOutcome outcome, PickResult pick) { }
    }

    private sealed class NoRefresh : IConfigRefresher
    {
        public Task RefreshAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
