using Actors.Api.Hosting;
using Actors.Api.Routing;
using Actors.Api.Admin;
using Microsoft.Extensions.Options;

namespace Actors.Api.Configuration;

/// <summary>Applies <c>--Gateway:Config file</c> once the cluster is reachable; an invalid file stops the node.</summary>
public sealed class StartupConfigLoader(ConfigApplier applier, IOptions<GatewaySettings> options, ILogger<StartupConfigLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Config is not { } path) return;
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        var result = await applier.ApplyAsync(text, json: path.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
        if (!result.IsValid)
            throw new InvalidOperationException($"Config file '{path}' is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", result.Problems));
        logger.LogInformation("Applied {Path} as config version {Version}", path, result.Config!.Version);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
