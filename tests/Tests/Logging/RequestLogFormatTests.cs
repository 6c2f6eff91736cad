using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Logging;

namespace Actors.Tests.Logging;

public class RequestLogFormatTests
{
    private static readonly RequestLogEntry Entry = new("trace-me-42", "chat", "alice", "openai/gpt-4.1", 200, 12.3, 2, 15, 12);

    private static string Format(IRequestLogFormat format)
    {
        var output = new ArrayBufferWriter<byte>();
        format.Write(Entry, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Plain_lines_look_as_the_console_logger_wrote_them()
    {
        Assert.Equal("""
            info: Actors.Api.Proxy.ProxyHandler[1]
                  proxied trace-me-42 route=chat consumer=alice target=openai/gpt-4.1 status=200 latency_ms=12.3 attempts=2 prompt_tokens=15 completion_tokens=12

            """.ReplaceLineEndings("\n"), Format(new PlainRequestLogFormat()));
    }

    [Fact]
    public void Json_lines_have_the_json_console_loggers_shape_with_each_field_typed()
    {
        var format = new JsonRequestLogFormat();
        var text = Format(format);
        Assert.Equal(text, Format(format));   // the writer is reused line after line
        Assert.EndsWith("}\n", text);
        Assert.Single(text.TrimEnd('\n').Split('\n'));

        var line = JsonNode.Parse(text)!;
        Assert.Equal(1, (int)line["EventId"]!);
        Assert.Equal("Information", (string)line["LogLevel"]!);
        Assert.Equal("Actors.Api.Proxy.ProxyHandler", (string)line["Category"]!);
        Assert.StartsWith("proxied trace-me-42 route=chat ", (string)line["Message"]!);
        var state = line["State"]!;
        Assert.Equal(line["Message"]!.ToString(), (string)state["Message"]!);
        Assert.Equal(("trace-me-42", "chat", "alice", "openai/gpt-4.1"),
            ((string)state["RequestId"]!, (string)state["Route"]!, (string)state["Consumer"]!, (string)state["Target"]!));
        Assert.Equal((200, 12.3, 2, 15L, 12L),
            ((int)state["Status"]!, (double)state["LatencyMs"]!, (int)state["Attempts"]!, (long)state["PromptTokens"]!, (long)state["CompletionTokens"]!));
        Assert.Equal(RequestLogMessage.Template, (string)state["{OriginalFormat}"]!);
    }

    [Fact]
    public void A_long_field_still_fits()
    {
        var output = new ArrayBufferWriter<byte>(16);
        RequestLogMessage.Write(Entry with { Route = new string('r', 5000) }, output);
        Assert.Contains(" route=" + new string('r', 5000) + " consumer=alice ", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
