using System.Net.Http.Headers;
using System.Text;
using Actors.Api.Cluster;
using Actors.Api.Configuration;
using Actors.Api.Forwarding;
using Actors.Api.Hosting;
using Actors.Api.Logging;
using Actors.Api.Picking;
using Actors.Api.Providers;
using Actors.Api.Proxy;
using Actors.Api.Routing;
using Actors.Api.Telemetry;
using Actors.Grains.Interfaces.Consumers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Actors.Tests.Support;

/// <summary>
/// The proxy pipeline in the test process: the real <see cref="ProxyHandler"/>, forwarder and route table behind
/// ASP.NET's in-memory <see cref="TestServer"/>, with a <see cref="ScriptedPicker"/> in place of the route grain.
/// Upstreams are real HTTP servers on loopback. No cluster, no process start.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServiceProvider _pipeline;
    private readonly GatewayMetrics _metrics;

    private readonly RequestLogSink _requestLog;
    private readonly MemoryStream _requestLogOutput;

    private PipelineHost(WebApplication app, ServiceProvider pipeline, GatewayMetrics metrics, RouteTableHolder routes, ScriptedPicker picker,
        CountingRefresher refresher, (RequestLogSink Sink, MemoryStream Output) requestLog)
    {
        (_app, _pipeline, _metrics, Routes, Picker, Refresher) = (app, pipeline, metrics, routes, picker, refresher);
        (_requestLog, _requestLogOutput) = requestLog;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public RouteTableHolder Routes { get; }
    public ScriptedPicker Picker { get; }
    public CountingRefresher Refresher { get; }

    /// <param name="deck">The decK document served.</param>
    /// <param name="environment">Variables the document's placeholders name, besides <c>DECK_OPENAI_API_KEY</c>.</param>
    /// <param name="unsetOnNode">Variables present when the config is checked but missing where the table is built.</param>
    /// <param name="time">The pipeline's clock (a fake one moves deadlines without waiting); the system's by default.</param>
    public static async Task<PipelineHost> StartAsync(string deck, GatewaySettings? gateway = null, ProviderRegistry? providers = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null, params string[] unsetOnNode)
    {
        providers ??= ProviderRegistry.Default;
        var env = new Dictionary<string, string> { ["DECK_OPENAI_API_KEY"] = GatewayNode.ApiKey };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        var parsed = new DeckConfigParser(providers, name => env.GetValueOrDefault(name)).Parse(deck, json: false);
        if (!parsed.IsValid) throw new InvalidOperationException(string.Join("\n", parsed.Problems));
        var routes = new RouteTableHolder(providers);
        routes.Install(parsed.Config! with { Version = 1 }, name => unsetOnNode.Contains(name) ? null : env.GetValueOrDefault(name));

        var picker = new ScriptedPicker();
        var refresher = new CountingRefresher();
        var logOutput = new MemoryStream();
        var requestLog = (Sink: new RequestLogSink(logOutput, new PlainRequestLogFormat(), 1024, TimeSpan.Zero), Output: logOutput);
        await requestLog.Sink.StartAsync(CancellationToken.None);
        var pipeline = ProxyPipeline.BuildDetached(gateway ?? new GatewaySettings(), services =>
        {
            services.AddSingleton(providers).AddSingleton(routes).AddSingleton(requestLog.Sink)
                .AddSingleton<ITargetPicker>(picker).AddSingleton<IConfigRefresher>(refresher)
                .AddSingleton<ILogger<ProxyHandler>>(new InformationLogger<ProxyHandler>());
            if (time is not null) services.AddSingleton(time);
        });
        var handler = pipeline.GetRequiredService<ProxyHandler>();
        var metrics = pipeline.GetRequiredService<GatewayMetrics>();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new ErrorShapeLookup(routes));
        var app = builder.Build();
        app.UseMiddleware<ErrorMiddleware>();
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        return new PipelineHost(app, pipeline, metrics, routes, picker, refresher, requestLog);
    }

    public Task<HttpResponseMessage> ChatAsync(string path, string body = """{"messages":[{"role":"user","content":"hi"}]}""",
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token-never-forwarded");
        return Client.SendAsync(request, completion);
    }

    /// <summary>The request log lines written so far (the plain format); the log is closed after this.</summary>
    public async Task<string> RequestLogAsync()
    {
        await _requestLog.StopAsync(CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(_requestLogOutput.ToArray());
    }

    /// <summary>Logs nothing, but says Information is on, so the handler writes its request log line.</summary>
    private sealed class InformationLogger<T> : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _requestLog.StopAsync(CancellationToken.None);
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _pipeline.DisposeAsync();
    }
}
