using OpenTelemetry.Trace;

namespace Actors.Api.Telemetry;

/// <summary>
/// OpenTelemetry tracing of a request across API node → route grain → provider, exported by OTLP when
/// <c>Otel:Endpoint</c> (or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set; off otherwise, so the hot
/// path pays nothing for it. The incoming <c>traceparent</c> is continued and sent on to the provider.
/// </summary>
public static class Tracing
{
    public static readonly string[] Sources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static void AddGatewayTracing(this IServiceCollection services, Uri endpoint) =>
        services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(Sources)
            .AddOtlpExporter(o => o.Endpoint = endpoint));
}
