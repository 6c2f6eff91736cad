using System.Text;
using Actors.Api.Errors;
using Actors.Api.Providers.ClientFormats;
using Actors.Api.Providers.ClientFormats.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>Each client format's rendering of one gateway error: body, headers, and the type each status gets.</summary>
public sealed class ErrorShapeTests
{
    private static string Text(IErrorShape shape, GatewayError error) => Encoding.UTF8.GetString(shape.Body(error));

    [Fact]
    public void OpenAIs_shape_is_message_and_type_with_quotes_readable_and_the_admin_APIs_problems()
    {
        Assert.Equal("""{"error":{"message":"route 'r1' is being reconfigured","type":"service_unavailable_error"}}""",
            Text(OpenAIErrorShape.Instance, new GatewayError(503, OpenAIError.Unavailable, "route 'r1' is being reconfigured")));
        Assert.Equal("""{"error":{"message":"invalid","type":"invalid_request_error","problems":["a","b"]}}""",
            Text(OpenAIErrorShape.Instance, new GatewayError(400, OpenAIError.InvalidRequest, "invalid") { Problems = ["a", "b"] }));
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(405, "invalid_request_error")]
    [InlineData(408, "invalid_request_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public void Anthropics_shape_types_the_error_by_status_as_Anthropic_does(int status, string type)
    {
        Assert.Equal($$$"""{"type":"error","error":{"type":"{{{type}}}","message":"it's refused"}}""",
            Text(AnthropicErrorShape.Instance, new GatewayError(status, OpenAIError.Upstream, "it's refused")));
    }

    [Theory]
    [InlineData(400, "INVALID_ARGUMENT")]
    [InlineData(401, "UNAUTHENTICATED")]
    [InlineData(403, "PERMISSION_DENIED")]
    [InlineData(404, "NOT_FOUND")]
    [InlineData(413, "INVALID_ARGUMENT")]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(502, "INTERNAL")]
    [InlineData(503, "UNAVAILABLE")]
    [InlineData(504, "DEADLINE_EXCEEDED")]
    public void Googles_shape_carries_the_status_code_and_its_canonical_name(int status, string name)
    {
        Assert.Equal($$$"""{"error":{"code":{{{status}}},"message":"no","status":"{{{name}}}"}}""",
            Text(GoogleErrorShape.Instance, new GatewayError(status, OpenAIError.Upstream, "no")));
    }

    [Theory]
    [InlineData(400, "ValidationException")]
    [InlineData(401, "AccessDeniedException")]
    [InlineData(403, "AccessDeniedException")]
    [InlineData(404, "ResourceNotFoundException")]
    [InlineData(413, "ValidationException")]
    [InlineData(429, "ThrottlingException")]
    [InlineData(500, "InternalServerException")]
    [InlineData(502, "InternalServerException")]
    [InlineData(503, "ServiceUnavailableException")]
    [InlineData(504, "ModelTimeoutException")]
    public void AWSs_shape_is_a_message_with_the_exception_named_in_x_amzn_ErrorType(int status, string exception)
    {
        var error = new GatewayError(status, OpenAIError.Upstream, "no");
        var headers = new HeaderDictionary();

        AwsErrorShape.Instance.AddHeaders(error, headers);

        Assert.Equal("""{"message":"no"}""", Text(AwsErrorShape.Instance, error));
        Assert.Equal(exception, headers["x-amzn-ErrorType"].ToString());
    }

    [Fact]
    public async Task Writing_an_error_sets_status_json_and_the_shapes_headers_and_keeps_the_others()
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Response.Headers.RetryAfter = "7";

        await new GatewayError(429, OpenAIError.RateLimit, "slow down").WriteAsync(context, AwsErrorShape.Instance);

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("7", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("ThrottlingException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal("""{"message":"slow down"}""", Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
        Assert.Equal(context.Response.ContentLength, ((MemoryStream)context.Response.Body).Length);
    }
}
