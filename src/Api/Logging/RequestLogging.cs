using Actors.Api.Telemetry;

namespace Actors.Api.Logging;

/// <summary>Wires the request log: its sink on standard output, in the format the console logger uses.</summary>
public static class RequestLogging
{
    /// <summary><c>Logging:Format=json</c>: the console logger and the request lines write JSON.</summary>
    public static bool UsesJson(IConfiguration configuration) =>
        string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddRequestLogSink(this IServiceCollection services, IConfiguration configuration)
    {
        var json = UsesJson(configuration);
        services.AddSingleton(sp =>
        {
            IRequestLogFormat format = json ? new JsonRequestLogFormat() : new PlainRequestLogFormat();
            // Console.Out is the console logger's writer; its writes are synchronized on it, so holding it keeps lines whole.
            var sink = new RequestLogSink(Console.OpenStandardOutput(), format, RequestLogSink.DefaultCapacity,
                RequestLogSink.DefaultBatchDelay, Console.Out);
            sp.GetRequiredService<GatewayMetrics>().Meter.CreateObservableCounter("actors_request_log_dropped", () => sink.Dropped,
                description: "Request log lines dropped because the log writer fell behind (requests never wait for the log)");
            return sink;
        });
        return services.AddHostedService(sp => sp.GetRequiredService<RequestLogSink>());
    }
}
