using System.Text;
using System.Text.Json.Nodes;
using Actors.Api.Admin;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Admin;

/// <summary>
/// The admin token guard: who gets through (Bearer, or the token as Basic's password), who does not, what a refusal
/// says, and that a refusal never echoes a token.
/// </summary>
public sealed class AdminAuthMiddlewareTests
{
    private const string Token = "admin-token-0123456789abcdef";
    private bool _passed;

    private AdminAuthMiddleware Guard(string token = Token) => new(_ =>
    {
        _passed = true;
        return Task.CompletedTask;
    }, token);

    private static DefaultHttpContext Request(string path, string? authorization = null)
    {
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.Request.Path = path;
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        return context;
    }

    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    private async Task<DefaultHttpContext> SendAsync(string path, string? authorization, string token = Token)
    {
        var context = Request(path, authorization);
        await Guard(token).InvokeAsync(context);
        return context;
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_probes_need_no_token(string path)
    {
        var context = await SendAsync(path, authorization: null);

        Assert.True(_passed);
        Assert.Equal(200, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/config")]
    [InlineData("/metrics")]
    [InlineData("/dashboard/routes")]
    [InlineData("/healthz/more")]
    [InlineData("/readyzz")]
    [InlineData("/")]
    public async Task Every_other_path_needs_the_token(string path)
    {
        var context = await SendAsync(path, authorization: null);

        Assert.False(_passed);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer " + Token)]
    [InlineData("bearer " + Token)]
    [InlineData("BEARER   " + Token + "  ")]
    public async Task The_token_as_a_bearer_token_passes(string authorization)
    {
        await SendAsync("/config", authorization);

        Assert.True(_passed);
    }

    [Theory]
    [InlineData("any-user:" + Token)]
    [InlineData(":" + Token)]
    [InlineData("admin:" + Token)]
    public async Task The_token_as_the_basic_auth_password_passes_whatever_the_user_name(string userAndPassword)
    {
        await SendAsync("/dashboard/routes", Basic(userAndPassword));

        Assert.True(_passed);
    }

    [Fact]
    public async Task A_basic_auth_password_may_itself_hold_colons_and_non_ASCII_characters()
    {
        const string token = "tok:en:with:colons-ÄÖÜ-ünïcødé";

        await SendAsync("/config", Basic("user:" + token), token);

        Assert.True(_passed);
    }

    [Theory]
    [InlineData("Bearer admin-token-0123456789abcde")]          // a prefix of the token
    [InlineData("Bearer " + Token + "x")]                       // the token and more
    [InlineData("Bearer ADMIN-TOKEN-0123456789ABCDEF")]         // tokens are case-sensitive
    [InlineData("Bearer ")]
    [InlineData("Bearer")]
    [InlineData(Token)]                                         // no scheme
    [InlineData("Token " + Token)]                              // an unknown scheme
    [InlineData("Basic not*base64")]
    [InlineData("Basic ")]
    public async Task Anything_but_the_exact_token_is_refused(string authorization)
    {
        var context = await SendAsync("/config", authorization);

        Assert.False(_passed);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Theory]
    [InlineData(Token + ":password")]   // the token as the user name
    [InlineData(Token)]                 // no colon: no password at all
    [InlineData("user:wrong")]
    [InlineData("user:")]
    public async Task Basic_auth_passes_only_with_the_token_as_the_password(string userAndPassword)
    {
        var context = await SendAsync("/config", Basic(userAndPassword));

        Assert.False(_passed);
        Assert.Equal(401, context.Response.StatusCode);
    }

    [Fact]
    public async Task A_refusal_asks_the_browser_to_log_in_and_is_an_authentication_error_that_echoes_no_token()
    {
        const string presented = "Bearer a-wrong-but-secret-guess-42";

        var context = await SendAsync("/config", presented);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("Basic realm=\"actors-admin\", charset=\"UTF-8\"", context.Response.Headers.WWWAuthenticate.ToString());
        Assert.Equal("application/json", context.Response.ContentType);
        var body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal("authentication_error", (string?)JsonNode.Parse(body)!["error"]!["type"]);
        Assert.DoesNotContain(Token, body);
        Assert.DoesNotContain("a-wrong-but-secret-guess-42", body);
        Assert.DoesNotContain(Token, context.Response.Headers.ToString());
    }
}
