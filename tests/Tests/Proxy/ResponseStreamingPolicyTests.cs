using System.Text;
using Actors.Api.Proxy;
using Actors.Grains.Interfaces.Configuration;

namespace Actors.Tests.Proxy;

public class ResponseStreamingPolicyTests
{
    private static StreamingDecision Apply(string mode, string body)
    {
        Assert.True(ChatRequestReader.IsValid(Encoding.UTF8.GetBytes(body), out var info, out _));
        return ResponseStreamingPolicy.Apply(mode, Encoding.UTF8.GetBytes(body), info);
    }

    [Theory]
    [InlineData(ResponseStreamingModes.Allow, """{"messages":[{"role":"user"}],"stream":true}""", true)]
    [InlineData(ResponseStreamingModes.Allow, """{"messages":[{"role":"user"}]}""", false)]
    [InlineData(ResponseStreamingModes.Deny, """{"messages":[{"role":"user"}],"stream":false}""", false)]
    [InlineData(ResponseStreamingModes.Always, """{"messages":[{"role":"user"}],"stream":true}""", true)]
    public void Requests_the_mode_lets_through_are_unchanged(string mode, string body, bool stream)
    {
        var decision = Apply(mode, body);

        Assert.Null(decision.Refusal);
        Assert.Null(decision.Rewritten);
        Assert.Equal(body, Encoding.UTF8.GetString(decision.Body.Span));
        Assert.Equal(stream, decision.Info.Stream);
    }

    [Fact]
    public void Deny_refuses_a_request_asking_for_a_stream_in_kongs_words() =>
        Assert.Equal("response streaming is not enabled for this LLM", Apply(ResponseStreamingModes.Deny, """{"messages":[{"role":"user"}],"stream":true}""").Refusal);

    [Theory]
    [InlineData("""{"model":"m","stream":false,"messages":[{"role":"user","content":"a \"stream\""}]}""", """{"model":"m","messages":[{"role":"user","content":"a \"stream\""}],"stream":true}""")]
    [InlineData("""{"messages":[{"role":"user"}],"stream":null}""", """{"messages":[{"role":"user"}],"stream":true}""")]
    [InlineData("""{ "messages" : [ {"role":"user"} ] }""", """{"messages" : [ {"role":"user"} ],"stream":true}""")]
    public void Always_makes_a_request_stream_keeping_every_other_member_byte_for_byte(string body, string expected)
    {
        var decision = Apply(ResponseStreamingModes.Always, body);
        using var rewritten = decision.Rewritten;

        Assert.Equal(expected, Encoding.UTF8.GetString(decision.Body.Span));
        Assert.True(decision.Info.Stream);
        Assert.True(ChatRequestReader.IsValid(decision.Body, out var info, out _) && info.Stream);
    }
}
