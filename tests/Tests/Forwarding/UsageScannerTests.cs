using System.Text;
using Actors.Api.Forwarding;

namespace Actors.Tests.Forwarding;

/// <summary>Token counts read from a whole body (<see cref="UsageReader"/>) and from one passing by in chunks (<see cref="JsonUsageScanner"/>).</summary>
public class UsageScannerTests
{
    private const string Completion =
        """{"id":"x","choices":[{"message":{"content":"a \"usage\": {\"prompt_tokens\":1} {[","usage":{"prompt_tokens":999}}}],"usage":{"prompt_tokens":14,"completion_tokens":385,"total_tokens":399,"completion_tokens_details":{"reasoning_tokens":320}},"service_tier":"default"}""";

    [Fact]
    public void Usage_is_read_from_the_top_level_usage_object()
    {
        var json = """{"id":"x","choices":[{"message":{"usage":{"prompt_tokens":999}}}],"usage":{"prompt_tokens":14,"completion_tokens":385,"total_tokens":399,"completion_tokens_details":{"reasoning_tokens":320}}}""";

        Assert.True(UsageReader.TryRead(Encoding.UTF8.GetBytes(json), out var prompt, out var completion));
        Assert.Equal(14, prompt);
        Assert.Equal(385, completion);
        Assert.False(UsageReader.TryRead("not json"u8, out _, out _));
        Assert.False(UsageReader.TryRead("""{"id":"x"}"""u8, out _, out _));
    }

    [Fact]
    public void The_scanner_finds_the_top_level_usage_however_the_bytes_are_split()
    {
        var bytes = Encoding.UTF8.GetBytes(Completion);
        for (var size = 1; size <= bytes.Length; size++)
        {
            var scanner = new JsonUsageScanner();
            for (var i = 0; i < bytes.Length; i += size) scanner.Feed(bytes.AsSpan(i, Math.Min(size, bytes.Length - i)));
            Assert.True(scanner.PromptTokens == 14 && scanner.CompletionTokens == 385, $"chunks of {size}: {scanner.PromptTokens}/{scanner.CompletionTokens}");
        }
    }

    [Fact]
    public void The_scanner_reads_usage_after_megabytes_of_content_keeping_nothing_of_it()
    {
        var scanner = new JsonUsageScanner();
        scanner.Feed("{\"choices\":[{\"message\":{\"content\":\""u8);
        var filler = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("lorem \\\"ipsum\\\" {usage} ", 2000)));
        for (var i = 0; i < 100; i++) scanner.Feed(filler);   // ~5 MB of content with escapes and braces inside the string
        scanner.Feed("\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1250000}}"u8);

        Assert.Equal(3, scanner.PromptTokens);
        Assert.Equal(1_250_000, scanner.CompletionTokens);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"usage":null}""")]
    [InlineData("""{"usage":[{"prompt_tokens":5}]}""")]
    [InlineData("""[{"usage":{"prompt_tokens":5}}]""")]
    [InlineData("""{"data":{"usage":{"prompt_tokens":5}}}""")]
    [InlineData("""{"us\u0061ge":{"prompt_tokens":5}}""")]
    public void Bodies_without_a_top_level_usage_object_count_nothing(string body)
    {
        var scanner = new JsonUsageScanner();
        scanner.Feed(Encoding.UTF8.GetBytes(body));

        Assert.Equal(0, scanner.PromptTokens + scanner.CompletionTokens);
    }

    [Fact]
    public void An_oversized_usage_object_is_ignored()
    {
        var scanner = new JsonUsageScanner();
        scanner.Feed(Encoding.UTF8.GetBytes("{\"usage\":{\"prompt_tokens\":5,\"pad\":\"" + new string('x', JsonUsageScanner.MaxUsageBytes) + "\"}}"));

        Assert.Equal(0, scanner.PromptTokens);
    }
}
