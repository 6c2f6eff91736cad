using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Actors.Api.WarmUp;

/// <summary>
/// A private Kestrel server on a loopback port that hands every request to one delegate, with a client for it: the
/// warm-up's requests then run the same Kestrel code (connections, HTTP/1.1 parsing, request body, response writes)
/// as the node's real listeners, which it shares its compiled methods with. Reads no configuration, logs nothing.
/// </summary>
public sealed class LoopbackFrontEnd : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackFrontEnd(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public static async Task<LoopbackFrontEnd> StartAsync(RequestDelegate handle, CancellationToken cancellationToken)
    {
        // The empty builder reads no environment or files: the node's URLs and settings must not reach this server.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackFrontEnd(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
