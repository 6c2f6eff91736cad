using System.Text;
using Actors.Api.Forwarding;

namespace Actors.Tests.Forwarding;

public class SseUsageScannerTests
{
    private const string Stream =
        "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n" +
        "data: {\"id\":\"x\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":385,\"total_tokens\":399}}\n\n" +
        "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Reads_the_final_usage_chunk_however_the_bytes_are_split(int chunkSize)
    {
        var scanner = new SseUsageScanner();
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var i = 0; i < bytes.Length; i += chunkSize) scanner.Feed(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)));

        Assert.Equal(14, scanner.PromptTokens);
        Assert.Equal(385, scanner.CompletionTokens);
    }

    [Fact]
    public void A_stream_without_usage_counts_nothing()
    {
        var scanner = new SseUsageScanner();
        scanner.Feed(Encoding.UTF8.GetBytes("data: {\"choices\":[]}\n\ndata: not json \"usage\"\n\n"));

        Assert.Equal(0, scanner.PromptTokens + scanner.CompletionTokens);
    }
}
