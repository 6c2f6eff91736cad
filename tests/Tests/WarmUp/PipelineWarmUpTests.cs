using Actors.Api.Hosting;
using Actors.Api.Providers;
using Actors.Api.WarmUp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Actors.Tests.WarmUp;

public class PipelineWarmUpTests
{
    [Fact]
    public async Task Every_warm_up_request_goes_through_the_whole_pipeline_to_the_loopback_stand_in_and_back()
    {
        var warmUp = new PipelineWarmUp(ProviderRegistry.Default, Options.Create(new GatewaySettings()), NullLogger<PipelineWarmUp>.Instance);

        Assert.Equal(40, await warmUp.RunAsync(40, CancellationToken.None));
    }

    [Fact]
    public async Task The_stand_in_answers_requests_on_a_kept_alive_connection()
    {
        await using var upstream = new LoopbackUpstream();
        using var http = new HttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync(upstream.ChatUrl, new StringContent("""{"messages":[]}"""));
            Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(3, upstream.Answered);
    }
}
