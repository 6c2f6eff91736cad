using System.Text;
using Actors.Benchmarks.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Actors.Benchmarks.Streams;

/// <summary>
/// A slow streaming provider for the many-streams benchmark: every POST answers a chat-completion stream of
/// <c>--events</c> chunks (default 20) <c>--interval-ms</c> apart (default 100), then <c>[DONE]</c>. The first
/// chunk goes out at once, so time to first byte measures the path, not the provider.
/// </summary>
public static class SlowStreamUpstream
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var port = options.Int("port", 9101);
        var events = options.Int("events", 20);
        var interval = TimeSpan.FromMilliseconds(options.Int("interval-ms", 100));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ListenLocalhost(port);
        });
        // 2,000 connections arrive within a second: the default accept backlog (512) would drop some SYNs.
        builder.WebHost.UseSockets(s => s.Backlog = 4096);
        var app = builder.Build();
        var chunk = Encoding.UTF8.GetBytes(Chunk("word"));
        var last = Encoding.UTF8.GetBytes(Chunk(null) + "data: [DONE]\n\n");
        app.MapPost("/{**path}", context => StreamAsync(context, events, interval, chunk, last));
        Console.WriteLine($"slow stream upstream on 127.0.0.1:{port}: {events} events {interval.TotalMilliseconds} ms apart");
        await app.RunAsync();
        return 0;
    }

    private static async Task StreamAsync(HttpContext context, int events, TimeSpan interval, byte[] chunk, byte[] last)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted);
        for (var i = 0; i < events; i++)
        {
            if (i > 0) await Task.Delay(interval, context.RequestAborted);
            await context.Response.Body.WriteAsync(i == events - 1 ? last : chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static string Chunk(string? content) =>
        "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1758745420,\"model\":\"gpt-4.1\","
        + "\"choices\":[{\"index\":0,\"delta\":" + (content is null ? "{}" : "{\"content\":\" " + content + "\"}")
        + ",\"logprobs\":null,\"finish_reason\":" + (content is null ? "\"stop\"" : "null") + "}]}\n\n";
}
