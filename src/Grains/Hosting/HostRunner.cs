using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Actors.Grains.Hosting;

/// <summary>
/// Runs a host to its end. A host that fails (a port already in use, a config file that does not parse, a cluster it
/// cannot join) ends the process with one line naming the failure and exit code 1, instead of an unhandled exception
/// that aborts the process and dumps core; the host has already logged the details.
/// </summary>
public static class HostRunner
{
    public const int FailedExitCode = 1;

    public static int Run(IHost host)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            host.Run();
            return Environment.ExitCode;   // what a service that stopped the host asked for (MembershipTableWatchdog), else 0
        }
        catch (Exception ex)
        {
            var when = lifetime.ApplicationStarted.IsCancellationRequested ? "Stopped on an error" : "Cannot start";
            Console.Error.WriteLine($"{when}: {Describe(ex)}");
            return FailedExitCode;
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        AggregateException aggregate => string.Join("; ", aggregate.Flatten().InnerExceptions.Select(Describe)),
        _ => ex.Message,
    };
}
