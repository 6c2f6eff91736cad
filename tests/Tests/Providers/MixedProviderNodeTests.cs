using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Actors.FakeOpenAI;
using Actors.Tests.Support;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers;

/// <summary>
/// A real API node (embedded mode) with a route mixing an OpenAI and an Anthropic target, both fakes on loopback:
/// the route grain's round-robin alternates across providers exactly as over one provider, and the client sees
/// OpenAI's shapes from both, streams included; an overloaded Anthropic target fails over to the OpenAI one.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MixedProviderNodeTests : GatewayProcessTest
{
    private FakeOpenAIServer _openai = null!, _anthropic = null!;

    protected override IDictionary<string, string> NodeEnvironment => ProviderDeck.Environment.ToDictionary();

    protected override async Task SetUpAsync()
    {
        (_openai, _anthropic) = (await FakeAsync(), await FakeAsync());
        await ApplyAsync(ProviderDeck.Route("mixed", [("openai", _openai.BaseUrl), ("anthropic", _anthropic.BaseUrl)],
            "algorithm: round-robin, failover_criteria: [error, timeout, http_503, non_idempotent]"));
    }

    [Fact]
    public async Task Round_robin_alternates_openai_and_anthropic_and_both_answer_in_OpenAI_shape()
    {
        var answered = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await Node.ChatAsync("/mixed");
            var completion = await Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, completion.ToJsonString());
            Assert.Equal("chat.completion", (string)completion["object"]!);
            Assert.Equal("stop", (string)completion["choices"]![0]!["finish_reason"]!);
            Assert.True((int)completion["usage"]!["total_tokens"]! > 4);
            answered.Add((string)completion["choices"]![0]!["message"]!["content"]!);
        }

        for (var i = 1; i < answered.Count; i++) Assert.NotEqual(answered[i - 1], answered[i]);
        Assert.Equal(3, answered.Count(a => a == "Fake answer from openai-e2e."));
        Assert.Equal(3, answered.Count(a => a == "Fake answer from anthropic-e2e."));
        Assert.Equal(3, _openai.RequestCount);
        Assert.Equal(3, _anthropic.RequestCount);
    }

    [Fact]
    public async Task Both_providers_stream_OpenAI_chunks_through_the_node()
    {
        var texts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Node.ProxyUrl + "/mixed")
            {
                Content = new StringContent("""{"messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}""",
                    Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token-never-forwarded");
            using var response = await Node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var sse = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, sse);
            var chunks = Events(sse);
            Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
            Assert.Equal("stop", FinishReason(chunks));
            Assert.Equal(4, Usage(chunks)!.Value.GetProperty("completion_tokens").GetInt32());
            texts.Add(Text(chunks));
        }

        Assert.Equal(["Fake answer from anthropic-e2e.", "Fake answer from openai-e2e."], texts.Order());
    }

    [Fact]
    public async Task An_overloaded_Anthropic_target_fails_over_to_OpenAI()
    {
        _anthropic.Apply(new FakeBehavior { Status = 529 });

        for (var i = 0; i < 4; i++)
        {
            using var response = await Node.ChatAsync("/mixed");
            var completion = await Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, completion.ToJsonString());
            Assert.Equal("Fake answer from openai-e2e.", (string)completion["choices"]![0]!["message"]!["content"]!);
        }
        Assert.InRange(_anthropic.RequestCount, 1, 4);
    }
}
