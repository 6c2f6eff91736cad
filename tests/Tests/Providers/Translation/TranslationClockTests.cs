using System.Buffers;
using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Bedrock;
using Actors.Api.Providers.Translation;
using Microsoft.Extensions.Time.Testing;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Translation;

/// <summary>The <c>created</c> of translated answers is read from the clock they are given.</summary>
public sealed class TranslationClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    private static ChatCompletion Answer => new() { Id = "chatcmpl-1", Model = "m", Content = "hi", FinishReason = FinishReasons.Stop };

    [Fact]
    public void A_completion_is_created_at_the_clocks_time()
    {
        _clock.Advance(TimeSpan.FromDays(3));

        var body = JsonDocument.Parse(Answer.ToResponse(_clock).Body).RootElement;

        Assert.Equal(Start.AddDays(3).ToUnixTimeSeconds(), body.GetProperty("created").GetInt64());
    }

    [Fact]
    public void Every_chunk_of_a_stream_carries_the_time_its_writer_was_made()
    {
        var chunks = new ChunkWriter("m", includeUsage: true, _clock);
        var output = new ArrayBufferWriter<byte>();
        _clock.Advance(TimeSpan.FromMinutes(2));                 // a long answer: its chunks keep the first time

        chunks.Text(output, "hello");
        chunks.Complete(output);

        var created = Encoding.UTF8.GetString(output.WrittenSpan).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e != "data: [DONE]")
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("created").GetInt64())
            .ToArray();
        Assert.Equal(3, created.Length);                         // text, finish, usage
        Assert.All(created, c => Assert.Equal(Start.ToUnixTimeSeconds(), c));
    }

    [Fact]
    public void Bedrock_answers_are_created_at_the_time_of_the_drivers_clock()
    {
        var driver = new BedrockDriver(_ => null, _clock);
        _clock.Advance(TimeSpan.FromHours(5));

        var completion = Translate(driver, """
            {"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1}}
            """, Target("bedrock", "anthropic.claude"));

        Assert.Equal(Start.AddHours(5).ToUnixTimeSeconds(), completion.GetProperty("created").GetInt64());
    }
}
