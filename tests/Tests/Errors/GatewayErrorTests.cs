using System.Text;
using System.Text.Json;
using Actors.Api.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Actors.Tests.Errors;

/// <summary>
/// Writing the gateway's own errors: the default shape, a response already under way, byte-exact lengths and JSON
/// that survives any message, and what a shape that declares only its body does by default.
/// (Each client format's shape is in <c>Providers/ClientFormats/ErrorShapeTests</c>.)
/// </summary>
public sealed class GatewayErrorTests
{
    private static DefaultHttpContext Context() => new() { Response = { Body = new MemoryStream() } };

    private static byte[] Written(HttpContext context) => ((MemoryStream)context.Response.Body).ToArray();

    [Fact]
    public async Task Without_a_shape_the_error_is_written_in_OpenAIs_shape()
    {
        var context = Context();
        var error = new GatewayError(404, OpenAIError.NotFound, "no route named 'x'");

        await error.WriteAsync(context);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal(OpenAIErrorShape.Instance.Body(error), Written(context));
    }

    [Fact]
    public async Task Nothing_is_written_once_the_response_has_started()
    {
        var context = Context();
        context.Features.Set<IHttpResponseFeature>(new StartedResponse { StatusCode = 200 });
        context.Response.Headers.ContentType = "text/event-stream";

        await new GatewayError(502, OpenAIError.Upstream, "too late").WriteAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.Null(context.Response.ContentLength);
        Assert.Empty(Written(context));
    }

    [Fact]
    public async Task The_content_length_counts_the_bytes_of_a_non_ASCII_message()
    {
        var context = Context();

        await new GatewayError(400, OpenAIError.InvalidRequest, "modèle « gpt-4o » inconnu ✗").WriteAsync(context);

        var body = Written(context);
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.True(body.Length > Encoding.UTF8.GetString(body).Length);
        Assert.Equal("modèle « gpt-4o » inconnu ✗", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("line one\nline two\ttabbed\r\n")]
    [InlineData("a \"quoted\" \\ backslash")]
    [InlineData("control \u0001\u001f chars")]
    [InlineData("</script><script>alert(1)</script>")]
    public async Task Any_message_is_written_as_valid_JSON_that_reads_back_as_the_same_text(string message)
    {
        var context = Context();

        await new GatewayError(400, OpenAIError.InvalidRequest, message).WriteAsync(context);

        var error = JsonDocument.Parse(Written(context)).RootElement.GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(OpenAIError.InvalidRequest, error.GetProperty("type").GetString());
    }

    [Fact]
    public void Problems_are_listed_only_when_there_are_some()
    {
        string Text(GatewayError e) => Encoding.UTF8.GetString(OpenAIErrorShape.Instance.Body(e));

        Assert.Equal("""{"error":{"message":"m","type":"t"}}""", Text(new GatewayError(400, "t", "m")));
        Assert.Equal("""{"error":{"message":"m","type":"t"}}""", Text(new GatewayError(400, "t", "m") { Problems = [] }));
        Assert.Equal("""{"error":{"message":"m","type":"t","problems":["p"]}}""", Text(new GatewayError(400, "t", "m") { Problems = ["p"] }));
    }

    [Fact]
    public async Task A_shape_that_declares_only_its_body_adds_no_headers_and_has_no_stream_event()
    {
        var shape = new BodyOnlyShape();
        var error = new GatewayError(503, OpenAIError.Unavailable, "down");
        var context = Context();
        context.Response.Headers.RetryAfter = "3";

        await error.WriteAsync(context, shape);

        Assert.Null(((IErrorShape)shape).StreamEvent(error));
        Assert.Equal(["Content-Length", "Content-Type", "Retry-After"], context.Response.Headers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("body"u8.ToArray(), Written(context));
        Assert.Equal(503, context.Response.StatusCode);
    }

    [Fact]
    public void OpenAIs_shape_has_no_stream_event_so_a_broken_stream_is_cut_and_puts_nothing_in_headers()
    {
        var error = new GatewayError(502, OpenAIError.Upstream, "cut");
        var headers = new HeaderDictionary();

        ((IErrorShape)OpenAIErrorShape.Instance).AddHeaders(error, headers);

        Assert.Null(((IErrorShape)OpenAIErrorShape.Instance).StreamEvent(error));
        Assert.Empty(headers);
    }

    private sealed class BodyOnlyShape : IErrorShape
    {
        public byte[] Body(GatewayError error) => "body"u8.ToArray();
    }

    private sealed class StartedResponse : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}
