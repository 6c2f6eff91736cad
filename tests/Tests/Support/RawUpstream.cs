using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Support;

/// <summary>A real HTTP server on a free loopback port that answers with whatever a test writes: for broken providers.</summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RawUpstream(WebApplication app, string url) => (_app, Url) = (app, url);

    public string Url { get; }

    public static async Task<RawUpstream> StartAsync(RequestDelegate answer)
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync();
        return new RawUpstream(app, url + "/v1/chat/completions");
    }

    /// <summary>Declares <paramref name="declared"/> bytes of JSON, sends <paramref name="sent"/> of them, then drops the connection.</summary>
    public static RequestDelegate CutBody(int declared, int sent) => async context =>
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = declared;
        var bytes = new byte[sent];
        Array.Fill(bytes, (byte)' ');
        bytes[0] = (byte)'{';
        await context.Response.Body.WriteAsync(bytes);
        await context.Response.Body.FlushAsync();
        await Task.Delay(100);
        context.Abort();
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
