using Microsoft.Extensions.Configuration;

namespace Actors.Grains.Hosting;

/// <summary>Tracing is on when an OTLP endpoint is configured: <c>Otel:Endpoint</c> or the standard variable.</summary>
public static class OtlpSettings
{
    public static Uri? Endpoint(IConfiguration configuration)
    {
        var value = configuration["Otel:Endpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
    }
}
