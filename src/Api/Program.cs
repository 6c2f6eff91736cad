using Actors.Api.Cluster;
using Actors.Api.Configuration;
using Actors.Api.Errors;
using Actors.Api.Admin;
using Actors.Api.Forwarding;
using Actors.Api.Hosting;
using Actors.Api.Logging;
using Actors.Api.Picking;
using Actors.Api.Providers;
using Actors.Api.Providers.RateLimits;
using Actors.Api.Proxy;
using Actors.Api.Routing;
using Actors.Api.Telemetry;
using Actors.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

SocketCompletions.PreferInline();

// appsettings.json next to the binary applies wherever the gateway is started from
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

var problems = new List<string>();
var listeners = Listeners.FromConfiguration(builder.Configuration, problems);
var cluster = builder.Configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
problems.AddRange(cluster.Validate());
problems.AddRange((builder.Configuration.GetSection(GatewaySettings.SectionName).Get<GatewaySettings>() ?? new GatewaySettings()).Validate());
problems.AddRange(LocalPickOptions.From(builder.Configuration).Validate());
problems.AddRange((builder.Configuration.GetSection(CooldownSettings.SectionName).Get<CooldownSettings>() ?? new CooldownSettings()).Validate());
if (problems.Count > 0)
{
    Console.Error.WriteLine("Cannot start: " + string.Join(Environment.NewLine + "  ", ["", .. problems]));
    return 2;
}

if (RequestLogging.UsesJson(builder.Configuration))
{
    builder.Logging.ClearProviders();
    builder.Logging.AddJsonConsole();
}

builder.WebHost.UseUrls([.. listeners.ProxyUrls, .. listeners.AdminUrls.Select(u => u.OriginalString)]);
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

// Embedded mode hosts a one-silo cluster in this process; cluster mode is a thin client of the silos.
var tracing = OtlpSettings.Endpoint(builder.Configuration);
if (cluster.UsesRedis) builder.UseOrleansClient(client => { client.UseActorsClient(cluster); if (tracing is not null) client.AddActivityPropagation(); });
else builder.UseOrleans(silo => silo.UseActorsSilo(builder.Configuration));
if (tracing is not null) builder.Services.AddGatewayTracing(tracing);

// One clock for the node (the one Orleans' client and the embedded silo use): what times polls, retries and circuits.
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddOptions<GatewaySettings>().Bind(builder.Configuration.GetSection(GatewaySettings.SectionName));
builder.Services.AddOptions<CooldownSettings>().Bind(builder.Configuration.GetSection(CooldownSettings.SectionName));
builder.Services.AddSingleton(listeners);
builder.Services.AddSingleton(typeof(GrainReferences<>));
builder.Services.AddSingleton<ConfigApplier>();
builder.Services.AddSingleton<ConfigSync>();
builder.Services.AddSingleton<OutcomeReporter>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<OutcomeReporter>());
builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigSync>());
builder.Services.AddSingleton<IConfigRefresher>(sp => sp.GetRequiredService<ConfigSync>());
builder.Services.AddHostedService<StartupConfigLoader>();
builder.Services.AddHostedService<Actors.Api.WarmUp.PipelineWarmUp>();
builder.Services.AddRequestLogSink(builder.Configuration);
builder.Services.AddHostedService<CircuitStateGauge>();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(GatewayMetrics.MeterName)
    .AddPrometheusExporter(o => o.ScopeInfoEnabled = false)); // no otel_scope_name label: Kong's series have exactly Kong's labels
builder.Services.AddTargetPicking(builder.Configuration);
builder.Services.AddProxyPipeline();
builder.Services.AddSingleton<ErrorShapeLookup>();

var app = builder.Build();
app.UseMiddleware<ErrorMiddleware>();
var adminToken = builder.Configuration.GetSection(AdminOptions.SectionName).Get<AdminOptions>()?.Token;
app.MapWhen(listeners.IsAdmin, admin =>
{
    if (!string.IsNullOrEmpty(adminToken)) admin.UseMiddleware<AdminAuthMiddleware>(adminToken);
    admin.UseRouting();
    admin.UseEndpoints(endpoints =>
    {
        AdminEndpoints.Map(endpoints);
        endpoints.MapOrleansDashboard("/dashboard");
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
    });
    admin.Run(context => new GatewayError(404, OpenAIError.NotFound, "no admin endpoint at this path").WriteAsync(context));
});
var proxy = app.Services.GetRequiredService<ProxyHandler>();
app.UseMiddleware<NodeAdmission>();
app.Run(proxy.HandleAsync);
return HostRunner.Run(app);
