using System.Text;
using Actors.Api.Providers.Bedrock;
using Microsoft.Extensions.Time.Testing;

namespace Actors.Tests.Providers.Bedrock;

/// <summary>AWS's published SigV4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service").</summary>
public sealed class SigV4SignerTests
{
    private const string Date = "20150830T123600Z";
    private static readonly SigV4Signer Signer = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service", TimeProvider.System);
    private static readonly KeyValuePair<string, string>[] HostAndDate = [new("Host", "example.amazonaws.com"), new("X-Amz-Date", Date)];

    [Theory]
    [InlineData("get-vanilla", "GET", "/", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("post-vanilla", "POST", "/", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "/", "?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("get-utf8", "GET", "/ሴ", "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")]
    [InlineData("post-vanilla-query", "POST", "/", "?Param1=value1", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")]
    public void Matches_the_aws_test_suite(string name, string method, string path, string query, string signature)
    {
        var authorization = Signer.Authorization(method, path, query, HostAndDate, [], Date);
        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature,
            authorization);
        Assert.NotNull(name);
    }

    [Fact]
    public void Canonical_request_of_get_vanilla_is_the_documented_one()
    {
        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            SigV4Signer.CanonicalRequest("GET", "/", "", HostAndDate, []));
    }

    [Fact]
    public void An_encoded_path_segment_is_encoded_again_as_aws_services_other_than_s3_expect()
    {
        var canonical = SigV4Signer.CanonicalRequest("POST", "/model/anthropic.claude-v2%3A1/converse", "", HostAndDate, "{}"u8);
        Assert.StartsWith("POST\n/model/anthropic.claude-v2%253A1/converse\n", canonical);
    }

    [Fact]
    public void Signs_a_request_message_with_the_time_and_the_body()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));
        var signer = new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service", time);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        var headers = signer.Sign(request, ReadOnlyMemory<byte>.Empty).ToDictionary();
        Assert.Equal(Date, headers["x-amz-date"]);
        Assert.EndsWith("Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", headers["Authorization"]);

        var withBody = signer.Sign(request, Encoding.UTF8.GetBytes("{}")).ToDictionary();
        Assert.NotEqual(headers["Authorization"], withBody["Authorization"]);

        time.Advance(TimeSpan.FromSeconds(1));
        var later = signer.Sign(request, ReadOnlyMemory<byte>.Empty).ToDictionary();
        Assert.Equal("20150830T123601Z", later["x-amz-date"]);    // signed at the clock's time, not the first one's
        Assert.NotEqual(headers["Authorization"], later["Authorization"]);
    }
}
