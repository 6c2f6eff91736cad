using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Bedrock;
using Actors.Api.Providers.Bedrock.Credentials;
using Actors.FakeOpenAI;
using Actors.FakeOpenAI.Native;
using Actors.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Bedrock;

/// <summary>
/// Bedrock's credentials as AWS's platforms provide them, against the fake Bedrock (which checks SigV4 signatures of
/// keys it knows and wants temporary credentials' session token) and the fake STS on loopback.
/// </summary>
public sealed class BedrockCredentialsTests : TestWithUpstreams, IDisposable
{
    private const string Model = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private const string Ask = """{"messages":[{"role":"user","content":"Hi"}]}""";
    private const string RoleArn = "arn:aws:iam::123456789012:role/bedrock-caller";
    private readonly string _dir = Directory.CreateTempSubdirectory("bedrock-creds-").FullName;
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static ProviderTarget Claude(Dictionary<string, string>? options = null)
    {
        var all = new Dictionary<string, string> { ["bedrock.aws_region"] = "us-east-1" };
        foreach (var (k, v) in options ?? []) all[k] = v;
        return Target("bedrock", Model, all);
    }

    private BedrockDriver Driver(Dictionary<string, string> environment, TimeProvider? time = null) =>
        new(name => environment.GetValueOrDefault(name), time ?? TimeProvider.System, _http);

    private static string Url(FakeOpenAIServer fake) => fake.BaseUrl + "/model/" + Uri.EscapeDataString(Model) + "/converse";

    private static Dictionary<string, string> Temporary(bool withToken = true)
    {
        var env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = FakeSts.TemporaryKeyId, ["AWS_SECRET_ACCESS_KEY"] = FakeSts.TemporarySecret };
        if (withToken) env["AWS_SESSION_TOKEN"] = FakeSts.TemporaryToken;
        return env;
    }

    private string WebIdentity(Dictionary<string, string> env, FakeOpenAIServer fake, string token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJl")
    {
        var file = Path.Combine(_dir, "token");
        File.WriteAllText(file, token + "\n");
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = file;
        env["AWS_ROLE_ARN"] = RoleArn;
        env["AWS_ROLE_SESSION_NAME"] = "gateway-test";
        env["AWS_ENDPOINT_URL_STS"] = fake.BaseUrl + "/sts";
        return file;
    }

    private static Dictionary<string, string> Form(RecordedRequest request) =>
        QueryHelpers.ParseQuery(request.Body).ToDictionary(p => p.Key, p => p.Value.ToString());

    private static string? Message(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString();

    [Fact]
    public void A_session_token_is_sent_in_x_amz_security_token_and_signed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        var plain = new SigV4Signer(new AwsCredentials("AKIDEXAMPLE", "secret"), "us-east-1", "service", time).Sign(request, ReadOnlyMemory<byte>.Empty).ToDictionary();
        var withToken = new SigV4Signer(new AwsCredentials("ASIDEXAMPLE", "secret", "the-token"), "us-east-1", "service", time)
            .Sign(request, ReadOnlyMemory<byte>.Empty).ToDictionary();

        Assert.False(plain.ContainsKey(SigV4Signer.SecurityTokenHeader));
        Assert.Contains("SignedHeaders=host;x-amz-date,", plain["Authorization"]);
        Assert.Equal("the-token", withToken[SigV4Signer.SecurityTokenHeader]);
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", withToken["Authorization"]);
        var canonical = SigV4Signer.CanonicalRequest("POST", "/", "", [new("host", "example.amazonaws.com"), new("x-amz-date", "20150830T123600Z"), new("x-amz-security-token", "the-token")], []);
        Assert.Contains("x-amz-security-token:the-token\n", canonical);
    }

    [Fact]
    public async Task Temporary_credentials_from_the_environment_are_accepted_only_with_their_session_token()
    {
        var fake = await FakeAsync();
        var answer = await SendAsync(Driver(Temporary()), Claude(), Url(fake), Ask);
        Assert.Equal(200, answer.Status);
        var sent = Assert.Single(fake.Requests);
        Assert.Equal(FakeSts.TemporaryToken, sent.Headers["x-amz-security-token"]);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeSts.TemporaryKeyId}/", sent.Headers["Authorization"]);

        var noToken = await SendAsync(Driver(Temporary(withToken: false)), Claude(), Url(fake), Ask);
        Assert.Equal(403, noToken.Status);
        Assert.Equal("The security token included in the request is invalid.", Message(noToken.Body));

        var wrongSecret = Temporary();
        wrongSecret["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
        var refused = await SendAsync(Driver(wrongSecret), Claude(), Url(fake), Ask);
        Assert.Equal(403, refused.Status);
        Assert.StartsWith("The request signature we calculated does not match", Message(refused.Body));
    }

    [Fact]
    public async Task The_targets_keys_win_over_the_environment_which_wins_over_shared_files()
    {
        WriteProfiles();
        var env = Temporary();
        env["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_dir, "credentials");
        var driver = Driver(env);
        Assert.Equal(FakeSts.TemporaryKeyId, KeyOf(driver, Claude()));
        Assert.Equal("AKIATARGET", KeyOf(driver, Claude() with { AwsAccessKeyId = "AKIATARGET", AwsSecretAccessKey = "s" }));
        env.Remove("AWS_ACCESS_KEY_ID");
        Assert.Equal("AKIAFILEDEFAULT", KeyOf(Driver(env), Claude()));
    }

    private static string KeyOf(BedrockDriver driver, ProviderTarget target)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse");
        var headers = driver.NativeRequest(target, stream: false).Sign!(message, Array.Empty<byte>()).ToDictionary();
        return headers["Authorization"].Split('=', 2)[1].Split('/')[0];
    }

    private void WriteProfiles()
    {
        File.WriteAllText(Path.Combine(_dir, "credentials"), """
            # written by aws configure
            [default]
            aws_access_key_id = AKIAFILEDEFAULT
            aws_secret_access_key = default-secret

            [work]
            aws_access_key_id=ASIAFAKETEMPORARY001
            aws_secret_access_key=fake/temporary+secret000000000000000000
            aws_session_token = FwoGZXIvYXdzEFAKEtemporarySessionToken//0001
            """);
        File.WriteAllText(Path.Combine(_dir, "config"), """
            [default]
            region = us-east-1
            [profile  from-config]
            aws_access_key_id = AKIACONFIGFILE
            aws_secret_access_key = config-secret
            [profile role-only]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = default
            """);
    }

    [Fact]
    public async Task Shared_files_give_the_profiles_keys_and_session_token()
    {
        WriteProfiles();
        var env = new Dictionary<string, string> { ["HOME"] = "/nonexistent", ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_dir, "credentials"), ["AWS_CONFIG_FILE"] = Path.Combine(_dir, "config") };
        var files = new SharedFileCredentialSource(name => env.GetValueOrDefault(name));

        Assert.Equal("AKIAFILEDEFAULT", (await files.FetchAsync(default))!.AccessKeyId);
        env["AWS_PROFILE"] = "work";
        var work = (await files.FetchAsync(default))!;
        Assert.Equal((FakeSts.TemporaryKeyId, FakeSts.TemporarySecret, FakeSts.TemporaryToken), (work.AccessKeyId, work.SecretAccessKey, work.SessionToken));
        env["AWS_PROFILE"] = "from-config";
        Assert.Equal("AKIACONFIGFILE", (await files.FetchAsync(default))!.AccessKeyId);
        env["AWS_PROFILE"] = "role-only";
        Assert.Null(await files.FetchAsync(default));

        // ~/.aws/credentials by default.
        Directory.CreateDirectory(Path.Combine(_dir, ".aws"));
        File.Copy(Path.Combine(_dir, "credentials"), Path.Combine(_dir, ".aws", "credentials"));
        var home = new Dictionary<string, string> { ["HOME"] = _dir, ["AWS_PROFILE"] = "work" };
        var fake = await FakeAsync();
        var answer = await SendAsync(Driver(home), Claude(), Url(fake), Ask);
        Assert.Equal(200, answer.Status);
        Assert.Equal(FakeSts.TemporaryToken, Assert.Single(fake.Requests).Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task Web_identity_is_exchanged_at_sts_for_temporary_credentials_bedrock_accepts()
    {
        var fake = await FakeAsync();
        var env = new Dictionary<string, string> { ["AWS_REGION"] = "eu-west-1" };
        WebIdentity(env, fake);
        var driver = Driver(env);

        var answer = await SendAsync(driver, Claude(), Url(fake), Ask);
        Assert.Equal(200, answer.Status);
        var requests = fake.Requests.ToArray();
        Assert.Equal(["/sts", $"/model/{Model}/converse"], requests.Select(r => r.PathAndQuery));
        var form = Form(requests[0]);
        Assert.Equal(("AssumeRoleWithWebIdentity", "2011-06-15", RoleArn, "gateway-test"), (form["Action"], form["Version"], form["RoleArn"], form["RoleSessionName"]));
        Assert.Equal("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJnYXRld2F5In0.c2lnbmF0dXJl", form["WebIdentityToken"]);
        Assert.False(requests[0].Headers.ContainsKey("Authorization"));
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIA", requests[1].Headers["Authorization"]);

        // Cached: the next request signs without calling STS.
        Assert.Equal(200, (await SendAsync(driver, Claude(), Url(fake), Ask)).Status);
        Assert.Single(fake.Requests, r => r.PathAndQuery == "/sts");
    }

    [Fact]
    public async Task A_refused_web_identity_token_leaves_the_request_unsigned_and_says_why()
    {
        var fake = await FakeAsync();
        var env = new Dictionary<string, string>();
        WebIdentity(env, fake, token: "not-a-jwt");
        var error = await Assert.ThrowsAsync<AwsCredentialsException>(async () => await Driver(env).Credentials.Chain.GetAsync());
        Assert.Contains("InvalidIdentityToken", error.Message);
        Assert.DoesNotContain("not-a-jwt", error.Message);

        var answer = await SendAsync(Driver(env), Claude(), Url(fake), Ask);
        Assert.Equal(403, answer.Status);
        Assert.Equal("Missing Authentication Token", Message(answer.Body));
    }

    [Fact]
    public async Task Kongs_assume_role_calls_sts_signed_by_the_targets_keys_and_signs_with_the_roles_credentials()
    {
        var fake = await FakeAsync();
        var target = Claude(new()
        {
            ["bedrock.aws_assume_role_arn"] = RoleArn, ["bedrock.aws_role_session_name"] = "kong-session",
            ["bedrock.aws_sts_endpoint_url"] = fake.BaseUrl + "/sts",
        }) with { AwsAccessKeyId = FakeSts.LongTermKeyId, AwsSecretAccessKey = FakeSts.LongTermSecret };
        var driver = Driver([]);

        var answer = await SendAsync(driver, target, Url(fake), Ask);
        Assert.Equal(200, answer.Status);
        var requests = fake.Requests.ToArray();
        Assert.Equal("/sts", requests[0].PathAndQuery);
        var form = Form(requests[0]);
        Assert.Equal(("AssumeRole", RoleArn, "kong-session"), (form["Action"], form["RoleArn"], form["RoleSessionName"]));
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={FakeSts.LongTermKeyId}/", requests[0].Headers["Authorization"]);
        Assert.Contains("/us-east-1/sts/aws4_request", requests[0].Headers["Authorization"]);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIA", requests[1].Headers["Authorization"]);
        Assert.True(requests[1].Headers.ContainsKey("x-amz-security-token"));

        Assert.Equal(200, (await SendAsync(driver, target, Url(fake), Ask)).Status);
        Assert.Single(fake.Requests, r => r.PathAndQuery == "/sts");
    }

    [Fact]
    public async Task The_fake_sts_checks_the_assume_role_signature()
    {
        var fake = await FakeAsync();
        var sts = new StsClient(_http, TimeProvider.System);
        var endpoint = new Uri(fake.BaseUrl + "/sts");
        var issued = await sts.AssumeRoleAsync(endpoint, "us-east-1", new AwsCredentials(FakeSts.LongTermKeyId, FakeSts.LongTermSecret), RoleArn, "s1", default);
        Assert.StartsWith("ASIA", issued.AccessKeyId);
        Assert.NotNull(issued.SessionToken);
        Assert.InRange(issued.Expiration!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        var wrong = await Assert.ThrowsAsync<AwsCredentialsException>(() =>
            sts.AssumeRoleAsync(endpoint, "us-east-1", new AwsCredentials(FakeSts.LongTermKeyId, "wrong-secret"), RoleArn, "s1", default));
        Assert.Contains("HTTP 403: SignatureDoesNotMatch", wrong.Message);
        Assert.DoesNotContain("wrong-secret", wrong.Message);
        // The role's own temporary credentials chain into another AssumeRole (with their token), and not without it.
        Assert.StartsWith("ASIA", (await sts.AssumeRoleAsync(endpoint, "us-east-1", issued, RoleArn, "s2", default)).AccessKeyId);
        var tokenless = await Assert.ThrowsAsync<AwsCredentialsException>(() =>
            sts.AssumeRoleAsync(endpoint, "us-east-1", issued with { SessionToken = null }, RoleArn, "s3", default));
        Assert.Contains("InvalidClientTokenId", tokenless.Message);
    }

    [Fact]
    public async Task Credentials_are_refreshed_five_minutes_before_they_lapse_and_not_before()
    {
        var fake = await FakeAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var env = new Dictionary<string, string>();
        WebIdentity(env, fake);
        var cached = new CachedCredentials(new WebIdentityCredentialSource(name => env.GetValueOrDefault(name), new StsClient(_http, time), time), time);

        var first = (await cached.GetAsync())!;
        var untilRefresh = first.Expiration!.Value - CachedCredentials.RefreshBefore - time.GetUtcNow();
        time.Advance(untilRefresh - TimeSpan.FromSeconds(1));
        Assert.Same(first, await cached.GetAsync());
        Assert.Equal(1, cached.Fetches);

        time.Advance(TimeSpan.FromSeconds(2));
        var second = (await cached.GetAsync())!;
        Assert.Equal(2, cached.Fetches);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        Assert.Equal(2, fake.Requests.Count(r => r.PathAndQuery == "/sts"));
    }

    [Fact]
    public async Task One_fetch_at_a_time_and_a_failed_refresh_keeps_the_valid_credentials()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var source = new ScriptedSource();
        var cached = new CachedCredentials(source, time);

        var waiting = Enumerable.Range(0, 5).Select(_ => cached.GetAsync().AsTask()).ToArray();
        source.Next.SetResult(new AwsCredentials("ASIAONE", "s", "t", time.GetUtcNow().AddHours(1)));
        Assert.All(await Task.WhenAll(waiting), c => Assert.Equal("ASIAONE", c!.AccessKeyId));
        Assert.Equal(1, cached.Fetches);

        // Due for refresh: one caller refreshes, the others get the still-valid credentials at once.
        time.Advance(TimeSpan.FromMinutes(56));
        source.Reset();
        var refreshing = cached.GetAsync().AsTask();
        Assert.Equal("ASIAONE", (await cached.GetAsync())!.AccessKeyId);
        source.Next.SetException(new AwsCredentialsException("STS is down"));
        Assert.Equal("ASIAONE", (await refreshing)!.AccessKeyId);
        Assert.Equal(2, cached.Fetches);

        // Lapsed with STS still down: the error, not the lapsed credentials.
        time.Advance(TimeSpan.FromMinutes(5));
        source.Reset();
        source.Next.SetException(new AwsCredentialsException("STS is down"));
        await Assert.ThrowsAsync<AwsCredentialsException>(async () => await cached.GetAsync());
    }

    private sealed class ScriptedSource : IAwsCredentialSource
    {
        public TaskCompletionSource<AwsCredentials?> Next { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Reset() => Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public async ValueTask<AwsCredentials?> FetchAsync(CancellationToken cancellationToken) => await Next.Task;
    }

    [Fact]
    public void Secrets_are_never_printed()
    {
        var credentials = new AwsCredentials("ASIAPRINTED", "the-secret", "the-token", DateTimeOffset.UnixEpoch, "the environment");
        var target = Claude() with { AwsAccessKeyId = "AKIAPRINTED", AwsSecretAccessKey = "the-secret" };
        foreach (var text in new[] { credentials.ToString(), target.ToString(), new CachedCredentials(new StaticCredentialSource(credentials), TimeProvider.System).ToString() })
        {
            Assert.DoesNotContain("the-secret", text);
            Assert.DoesNotContain("the-token", text);
            Assert.DoesNotContain("PRINTED", text);
        }
    }

    [Theory]
    [InlineData(null, "eu-west-1", null, "https://sts.eu-west-1.amazonaws.com/")]
    [InlineData(null, null, null, "https://sts.amazonaws.com/")]
    [InlineData(null, "eu-west-1", "legacy", "https://sts.amazonaws.com/")]
    [InlineData(null, "cn-north-1", null, "https://sts.cn-north-1.amazonaws.com.cn/")]
    [InlineData("http://127.0.0.1:9/sts", "eu-west-1", null, "http://127.0.0.1:9/sts")]
    public void The_sts_endpoint_is_the_configured_one_else_the_regions(string? configured, string? region, string? regional, string expected)
    {
        var env = new Dictionary<string, string>();
        if (regional is not null) env["AWS_STS_REGIONAL_ENDPOINTS"] = regional;
        Assert.Equal(expected, StsEndpoint.For(configured, region, name => env.GetValueOrDefault(name))!.AbsoluteUri);
        env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:7/sts";
        Assert.Equal(configured ?? "http://127.0.0.1:7/sts", StsEndpoint.For(configured, region, name => env.GetValueOrDefault(name))!.AbsoluteUri);
    }
}
