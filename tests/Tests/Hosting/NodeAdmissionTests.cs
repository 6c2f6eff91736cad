using System.Text.Json.Nodes;
using Actors.Api.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Actors.Tests.Hosting;

public class NodeAdmissionTests
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _passed;

    private NodeAdmission Admission(int limit) => new(async _ =>
    {
        Interlocked.Increment(ref _passed);
        await _release.Task;
    }, Options.Create(new GatewaySettings { MaxConcurrentRequests = limit }));

    private static DefaultHttpContext Context() => new() { Response = { Body = new MemoryStream() } };

    [Fact]
    public async Task Past_the_limit_a_request_gets_a_503_with_retry_after_at_once_and_is_not_proxied()
    {
        var admission = Admission(2);
        var first = admission.InvokeAsync(Context());
        var second = admission.InvokeAsync(Context());
        var refused = Context();

        await admission.InvokeAsync(refused);   // completes while the other two are still in flight

        Assert.Equal(503, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        var error = JsonNode.Parse(((MemoryStream)refused.Response.Body).ToArray())!["error"]!;
        Assert.Equal("service_unavailable_error", (string)error["type"]!);
        Assert.Contains("2 requests in flight", (string)error["message"]!);
        Assert.Equal(2, _passed);
        Assert.Equal(2, admission.InFlight);

        _release.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(0, admission.InFlight);
        await admission.InvokeAsync(Context());   // room again
        Assert.Equal(3, _passed);
    }

    [Fact]
    public async Task Zero_means_no_limit()
    {
        var admission = Admission(0);
        _release.SetResult();
        for (var i = 0; i < 10; i++) await admission.InvokeAsync(Context());
        Assert.Equal(10, _passed);
    }
}
