using System.Text;
using Actors.Api.Proxy;

namespace Actors.Tests.Proxy;

/// <summary>What the check step accepts as an OpenAI chat request.</summary>
public class ChatRequestTests
{
    private static bool TryParse(string body, out string? error)
    {
        return ChatRequestReader.IsValid(Encoding.UTF8.GetBytes(body), out error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{}", "'messages' is required")]
    [InlineData("{\"messages\":\"hi\"}", "'messages' must be an array")]
    [InlineData("{\"messages\":[]}", "'messages' must not be empty")]
    [InlineData("{\"messages\":[1]}", "'messages[0]' must be an object")]
    [InlineData("{\"messages\":[{\"content\":\"x\"}]}", "'messages[0].role' must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"model\":{}}", "'model' must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"model\":\"\\ud800\"}", "'model' is not valid text")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}", "'stream' must be a boolean")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"max_tokens\":1.5}", "'max_tokens' must be an integer")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"temperature\":\"hot\"}", "'temperature' must be a number")]
    [InlineData("{\"messages\":[{\"role\":\"user\"}],\"stream\":false,\"stream\":true}", "not valid JSON")]
    public void Rejects_bodies_that_are_not_chat_requests(string body, string expected)
    {
        Assert.False(TryParse(body, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Rejects_invalid_utf8()
    {
        byte[] body = [.. "{\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xC3, 0x28, .. "\"}]}"u8];

        Assert.False(ChatRequestReader.IsValid(body, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Accepts_a_chat_request()
    {
        Assert.True(TryParse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":null,\"stream\":false}", out var error));
        Assert.Null(error);
    }
}
