using System.Net;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Bedrock;
using Actors.FakeOpenAI;
using Actors.FakeOpenAI.Native;
using Actors.Tests.Support;

namespace Actors.Tests.Providers.Bedrock;

/// <summary>
/// A Bedrock target with no keys in its <c>auth</c>, through the whole pipeline in process: the node's credentials
/// (temporary ones from the environment, or a web identity exchanged at the fake STS) sign for the strict fake Bedrock.
/// </summary>
public sealed class BedrockCredentialsGatewayTests : TestWithUpstreams, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bedrock-gw-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Deck(FakeOpenAIServer fake) => ProviderDeck.Document("aws", "algorithm: round-robin",
        [$"        - model: {{provider: bedrock, name: bedrock-e2e, options: {{upstream_url: '{fake.BaseUrl}/model/bedrock-e2e/converse', bedrock: {{aws_region: us-east-1}}}}}}\n          route_type: llm/v1/chat\n"]);

    private async Task<HttpResponseMessage> AskAsync(FakeOpenAIServer fake, Dictionary<string, string> nodeEnvironment)
    {
        var providers = new ProviderRegistry([new BedrockDriver(name => nodeEnvironment.GetValueOrDefault(name), TimeProvider.System)]);
        var host = await Own(PipelineHost.StartAsync(Deck(fake), providers: providers));
        return await host.ChatAsync("/aws");
    }

    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task Temporary_credentials_from_the_nodes_environment_sign_with_their_session_token()
    {
        var fake = await FakeAsync();
        using var response = await AskAsync(fake, new()
        {
            ["AWS_ACCESS_KEY_ID"] = FakeSts.TemporaryKeyId, ["AWS_SECRET_ACCESS_KEY"] = FakeSts.TemporarySecret, ["AWS_SESSION_TOKEN"] = FakeSts.TemporaryToken,
        });
        Assert.Equal("Fake answer from bedrock-e2e.", await AnswerAsync(response));
        Assert.Equal(FakeSts.TemporaryToken, Assert.Single(fake.Requests).Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task Without_the_session_token_the_strict_fake_refuses_and_the_client_sees_403()
    {
        var fake = await FakeAsync();
        using var response = await AskAsync(fake, new() { ["AWS_ACCESS_KEY_ID"] = FakeSts.TemporaryKeyId, ["AWS_SECRET_ACCESS_KEY"] = FakeSts.TemporarySecret });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("The security token included in the request is invalid.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_web_identity_is_exchanged_at_sts_once_and_its_credentials_sign()
    {
        var fake = await FakeAsync();
        var tokenFile = Path.Combine(_dir, "token");
        await File.WriteAllTextAsync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJl");
        var env = new Dictionary<string, string>
        {
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile, ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/gateway",
            ["AWS_ENDPOINT_URL_STS"] = fake.BaseUrl + "/sts", ["AWS_REGION"] = "us-east-1",
        };
        var providers = new ProviderRegistry([new BedrockDriver(name => env.GetValueOrDefault(name), TimeProvider.System)]);
        var host = await Own(PipelineHost.StartAsync(Deck(fake), providers: providers));

        using (var first = await host.ChatAsync("/aws")) Assert.Equal("Fake answer from bedrock-e2e.", await AnswerAsync(first));
        using (var second = await host.ChatAsync("/aws")) Assert.Equal("Fake answer from bedrock-e2e.", await AnswerAsync(second));
        var requests = fake.Requests.ToArray();
        Assert.Equal(["/sts", "/model/bedrock-e2e/converse", "/model/bedrock-e2e/converse"], requests.Select(r => r.PathAndQuery));
        Assert.All(requests[1..], r => Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIA", r.Headers["Authorization"]));
        Assert.Contains("RoleSessionName=actors-gateway-", requests[0].Body);
    }
}
