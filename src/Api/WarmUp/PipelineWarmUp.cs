using System.Diagnostics;
using Actors.Api.Configuration;
using Actors.Api.Forwarding;
using Actors.Api.Hosting;
using Actors.Api.Logging;
using Actors.Api.Picking;
using Actors.Api.Providers;
using Actors.Api.Proxy;
using Actors.Api.Routing;
using Actors.Api.Telemetry;
using Actors.Grains.Interfaces.Routes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Actors.Api.WarmUp;

/// <summary>
/// Sends <c>Gateway:WarmUpRequests</c> chat requests through a private copy of the proxy pipeline (match, admit,
/// read, check, prepare, forward, relay) to a <see cref="LoopbackUpstream"/> before the node starts listening, so
/// the first real requests find the code loaded, compiled and its caches filled instead of paying for it. The copy
/// has its own route table, picker, HTTP clients, metrics and a discarding log: nothing reaches the cluster, the
/// real routes, <c>/metrics</c> or the log. Never stops the start: a failed warm-up is logged and the node goes on.
/// </summary>
public sealed class PipelineWarmUp(ProviderRegistry providers, IOptions<GatewaySettings> options, ILogger<PipelineWarmUp> logger) : IHostedService
{
    /// <summary>Requests in flight at once: enough to run the concurrent paths (pools, locks) too.</summary>
    private const int Concurrency = 8;

    /// <summary>The longest the warm-up may hold up the start (a slow or busy machine); what it did by then still counts.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    private static readonly byte[] ChatBody = """{"model":"warmup","messages":[{"role":"user","content":"warm up"}],"temperature":0.5}"""u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var requests = options.Value.WarmUpRequests;
        if (requests <= 0) return;
        var clock = Stopwatch.StartNew();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            var answered = await RunAsync(requests, budget.Token);
            logger.LogInformation("Warmed the request path: {Answered} of {Requests} requests answered 200 in {Ms} ms", answered, requests, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Warming the request path took over {Budget}; starting with what it did", Budget);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Warming the request path failed after {Ms} ms; starting without it", clock.ElapsedMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <returns>How many requests were answered 200.</returns>
    public async Task<int> RunAsync(int requests, CancellationToken cancellationToken)
    {
        await using var upstream = new LoopbackUpstream();
        using var clients = new UpstreamClients();
        using var metrics = new GatewayMetrics();
        var handler = NewHandler(upstream.ChatUrl, clients, metrics);
        var answered = 0;
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (_, token) =>
            {
                if (await SendAsync(handler, token) == StatusCodes.Status200OK) Interlocked.Increment(ref answered);
            });
        return answered;
    }

    private ProxyHandler NewHandler(Uri upstream, UpstreamClients clients, GatewayMetrics metrics)
    {
        // The stand-in's "key" is a placeholder like any route's; it exists only in this copy's environment.
        Func<string, string?> environment = name => name == KeyVariable ? "warmup" : null;
        var parsed = new DeckConfigParser(providers, environment).Parse(Deck(upstream), json: false);
        if (!parsed.IsValid) throw new InvalidOperationException("warm-up config: " + string.Join("; ", parsed.Problems));
        var routes = new RouteTableHolder(providers);
        routes.Install(parsed.Config! with { Version = 1 }, environment);
        var settings = Options.Create(new GatewaySettings());   // defaults: no caps that a burst of warm-up requests could hit
        return new ProxyHandler(routes, new NoRefresh(), new FirstTarget(),
            new UpstreamForwarder(clients, NullLogger<UpstreamForwarder>.Instance),
            ClientAccess.Detached(settings),
            metrics, new RequestLogSink(Stream.Null, new PlainRequestLogFormat(), 1, TimeSpan.Zero),
            new Actors.Api.Routing.Semantic.SemanticSelector(clients, NullLogger<Actors.Api.Routing.Semantic.SemanticSelector>.Instance), settings, NullLogger<ProxyHandler>.Instance);
    }

    private static async Task<int> SendAsync(ProxyHandler handler, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/warmup";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = ChatBody.Length;
        context.Request.Body = new MemoryStream(ChatBody, writable: false);
        context.Response.Body = Stream.Null;
        context.RequestAborted = cancellationToken;
        await handler.HandleAsync(context);
        return context.Response.StatusCode;
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
