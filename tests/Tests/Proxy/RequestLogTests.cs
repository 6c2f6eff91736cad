using Actors.Api.Proxy;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Proxy;

public class RequestLogTests
{
    private static string IdFor(string? header)
    {
        var context = new DefaultHttpContext();
        if (header is not null) context.Request.Headers[RequestLog.Header] = header;
        return RequestLog.IdFor(context);
    }

    [Theory]
    [InlineData("trace-me-42")]
    [InlineData("0af7651916cd43dd8448eb211c80319c")]
    public void A_sane_client_id_is_kept(string id) => Assert.Equal(id, IdFor(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("zażółć")]
    [InlineData("new\nline")]
    public void Anything_else_gets_a_fresh_id(string? header)
    {
        var id = IdFor(header);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, IdFor(header));
    }

    [Fact]
    public void An_overlong_id_is_replaced() => Assert.Matches("^[0-9a-f]{32}$", IdFor(new string('a', 129)));
}
