using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Actors.FakeOpenAI;
using Actors.FakeOpenAI.Native;
using Actors.Tests.Support;
using Anthropic;
using Anthropic.Models.Messages;

namespace Actors.Tests.Providers.ClientFormats;

/// <summary>
/// Issue 21's done-when, through the whole pipeline against fakes as strict as the real APIs: two-turn tool-calling
/// conversations from an Anthropic client to OpenAI (gpt-5 included) and Azure, extended thinking kept across turns
/// towards Anthropic (natively and from an OpenAI client), reasoning models' limits, and usage where the provider
/// counts none. docs/conformance/*.md name these tests.
/// </summary>
public sealed class ConformanceGatewayTests : TestWithUpstreams
{
    private const string Tools = """[{"name":"search","description":"web","input_schema":{"type":"object","properties":{"query":{"type":"string"}}}}]""";

    /// <summary>One route over one target written as YAML; the target's model and options are the test's.</summary>
    private async Task<PipelineHost> RouteAsync(string llmFormat, string provider, string model, string options, string auth)
    {
        var target = $"        - model: {{provider: {provider}, name: {model}, options: {{{options}}}}}\n          route_type: llm/v1/chat\n          auth: {auth}\n";
        var deck = ProviderDeck.Document("r", "algorithm: round-robin", [target]);
        if (llmFormat != "openai") deck = deck.Replace("      config:\n", $"      config:\n        llm_format: {llmFormat}\n");
        return await Own(PipelineHost.StartAsync(deck, environment: ProviderDeck.Environment));
    }

    private Task<PipelineHost> OpenAIAsync(FakeOpenAIServer fake, string model, string options = "", string llmFormat = "anthropic") =>
        RouteAsync(llmFormat, "openai", model, $"upstream_url: '{fake.BaseUrl}/v1/chat/completions'{Comma(options)}", "{header_name: Authorization, header_value: 'Bearer ${{ env \"DECK_OPENAI_API_KEY\" }}'}");

    private Task<PipelineHost> AzureAsync(FakeOpenAIServer fake, string model, string options = "", string llmFormat = "anthropic") =>
        RouteAsync(llmFormat, "azure", model, $"azure_instance: x, azure_deployment_id: prod-deployment, upstream_url: '{fake.BaseUrl}/openai/deployments/prod-deployment/chat/completions'{Comma(options)}",
            "{header_name: api-key, header_value: '${{ env \"DECK_AZURE_API_KEY\" }}'}");

    private Task<PipelineHost> AnthropicAsync(FakeOpenAIServer fake, string model = "claude-sonnet-4-5", string llmFormat = "anthropic") =>
        RouteAsync(llmFormat, "anthropic", model, $"upstream_url: '{fake.BaseUrl}/v1/messages', anthropic_version: '2023-06-01'",
            "{header_name: x-api-key, header_value: '${{ env \"DECK_ANTHROPIC_API_KEY\" }}'}");

    private static string Comma(string options) => options.Length == 0 ? "" : ", " + options;

    private static async Task<JsonObject> PostAsync(PipelineHost host, string path, string body)
    {
        using var response = await host.ChatAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The Anthropic client's first turn, its tool_use answer appended, and the tool result: the second turn's request.</summary>
    private static string SecondTurn(string first, JsonObject answer)
    {
        var request = JsonNode.Parse(first)!.AsObject();
        var use = answer["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
        request["messages"]!.AsArray().Add(new JsonObject { ["role"] = "assistant", ["content"] = answer["content"]!.DeepClone() });
        request["messages"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = use["id"]!.GetValue<string>(), ["content"] = "Mickiewicz" }),
        });
        return request.ToJsonString();
    }

    private static string AnthropicAsk(bool stream = false, string extra = "") =>
        $$"""{"model":"claude-any","max_tokens":300,"temperature":0.2,{{(stream ? "\"stream\":true," : "")}}{{extra}}"messages":[{"role":"user","content":"Who is the greatest Polish poet? Search."}],"tools":{{Tools}}}""";

    [Theory]
    [InlineData("gpt-5")]
    [InlineData("gpt-4o")]
    public async Task An_Anthropic_client_holds_a_two_turn_tool_conversation_with_OpenAI(string model)
    {
        var openai = await FakeAsync();
        var host = await OpenAIAsync(openai, model);

        var first = await PostAsync(host, "/r/v1/messages", AnthropicAsk());
        Assert.Equal("tool_use", (string?)first["stop_reason"]);
        var second = await PostAsync(host, "/r/v1/messages", SecondTurn(AnthropicAsk(), first));

        Assert.Equal("end_turn", (string?)second["stop_reason"]);
        Assert.Equal($"Fake answer from {model}.", (string?)second["content"]![0]!["text"]);
        var sent = openai.Requests.Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToArray();
        // The tool result went back as a tool message answering the call the fake made.
        Assert.Equal(FakeOpenAIServer.ToolCallId, (string?)sent[1]["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!["tool_call_id"]);
        var reasoning = model == "gpt-5";
        Assert.All(sent, body =>
        {
            Assert.Equal(reasoning, body.ContainsKey("max_completion_tokens"));
            Assert.Equal(!reasoning, body.ContainsKey("max_tokens"));
            // The client's temperature 0.2 would be refused by a reasoning model.
            Assert.Equal(!reasoning, body.ContainsKey("temperature"));
        });
    }

    [Fact]
    public async Task An_Anthropic_client_streams_a_two_turn_tool_conversation_from_gpt_5()
    {
        var openai = await FakeAsync();
        var host = await OpenAIAsync(openai, "gpt-5");
        var sdk = new AnthropicClient { ApiKey = "client-key", BaseUrl = "http://localhost/r", HttpClient = host.Client, MaxRetries = 0 };
        var tool = new Tool { Name = "search", InputSchema = new InputSchema { Properties = new Dictionary<string, JsonElement> { ["query"] = JsonDocument.Parse("""{"type":"string"}""").RootElement } } };
        var ask = new MessageCreateParams
        {
            MaxTokens = 300, Model = "claude-any",
            Messages = [new UserMessageParam("Who is the greatest Polish poet? Search.")],
            Tools = [tool],
        };

        var (stop, toolUseId, arguments, _) = await StreamAsync(sdk, ask);
        Assert.Equal("tool_use", stop);
        Assert.Equal(FakeAnswer.ToolArguments, arguments);
        var second = ask with
        {
            Messages =
            [
                .. ask.Messages,
                AssistantMessageParam.FromRawUnchecked(Raw($$"""{"role":"assistant","content":[{"type":"tool_use","id":"{{toolUseId}}","name":"search","input":{{arguments}}}]}""")),
                UserMessageParam.FromRawUnchecked(Raw($$"""{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{toolUseId}}","content":"Mickiewicz"}]}""")),
            ],
        };
        var (stop2, _, _, text) = await StreamAsync(sdk, second);

        Assert.Equal("end_turn", stop2);
        Assert.Equal("Fake answer from gpt-5.", text);
        Assert.All(openai.Requests, r => Assert.Contains("\"max_completion_tokens\":300", r.Body));
    }

    private static Dictionary<string, JsonElement> Raw(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static async Task<(string? Stop, string? ToolUseId, string Arguments, string Text)> StreamAsync(AnthropicClient sdk, MessageCreateParams ask)
    {
        string? stop = null, toolUseId = null;
        var (arguments, text) = (new StringBuilder(), new StringBuilder());
        await foreach (var e in sdk.Messages.CreateStreaming(ask))
        {
            if (e.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var use)) toolUseId = use!.ID;
            if (e.TryPickContentBlockDelta(out var delta))
            {
                if (delta!.Delta.TryPickText(out var piece)) text.Append(piece!.Text);
                if (delta.Delta.TryPickInputJson(out var json)) arguments.Append(json!.PartialJson);
            }
            if (e.TryPickDelta(out var end)) stop = end!.Delta.StopReason!.Raw();
        }
        return (stop, toolUseId, arguments.ToString(), text.ToString());
    }

    [Fact]
    public async Task An_Anthropic_client_streams_from_Azure_at_the_default_api_version_and_still_gets_usage()
    {
        var azure = await FakeAsync();
        var host = await AzureAsync(azure, "gpt-4o");
        var sdk = new AnthropicClient { ApiKey = "client-key", BaseUrl = "http://localhost/r", HttpClient = host.Client, MaxRetries = 0 };

        var text = new StringBuilder();
        long outputTokens = 0, inputTokens = 0;
        await foreach (var e in sdk.Messages.CreateStreaming(new MessageCreateParams { MaxTokens = 50, Model = "m", Messages = [new UserMessageParam("Hello there")] }))
        {
            if (e.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece)) text.Append(piece!.Text);
            if (e.TryPickDelta(out var end)) (inputTokens, outputTokens) = (end!.Usage.InputTokens ?? 0, end.Usage.OutputTokens);
        }

        Assert.Equal("Fake answer from gpt-4o.", text.ToString());
        var sent = azure.Requests.Single();
        Assert.EndsWith("api-version=2023-05-15", sent.PathAndQuery);
        Assert.DoesNotContain("stream_options", sent.Body);
        // No usage chunk at this api-version: one token per streamed delta, the prompt estimated from its size.
        Assert.Equal(4, outputTokens);
        Assert.True(inputTokens > 0);
        var report = (await host.Picker.WaitForReportsAsync(1)).Single();
        Assert.Equal(4, report.CompletionTokens);
    }

    [Fact]
    public async Task An_Anthropic_client_holds_a_two_turn_tool_conversation_with_Azure_from_2024_02_01()
    {
        var azure = await FakeAsync();
        var host = await AzureAsync(azure, "gpt-4o", "azure_api_version: '2024-02-01'");

        var first = await PostAsync(host, "/r/v1/messages", AnthropicAsk());
        var second = await PostAsync(host, "/r/v1/messages", SecondTurn(AnthropicAsk(), first));

        Assert.Equal("tool_use", (string?)first["stop_reason"]);
        Assert.Equal("Fake answer from gpt-4o.", (string?)second["content"]![0]!["text"]);
        Assert.All(azure.Requests, r => Assert.EndsWith("api-version=2024-02-01", r.PathAndQuery));
    }

    [Fact]
    public async Task An_Anthropic_client_streams_tools_from_an_Azure_reasoning_deployment_at_2024_12_01_preview()
    {
        var azure = await FakeAsync();
        var host = await AzureAsync(azure, "o3-mini", "azure_api_version: '2024-12-01-preview', max_tokens: 500");

        var first = await PostAsync(host, "/r/v1/messages", AnthropicAsk());
        using var response = await host.ChatAsync("/r/v1/messages", SecondTurn(AnthropicAsk(), first).Replace("\"max_tokens\":300,", "\"max_tokens\":300,\"stream\":true,"));
        var events = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Fake answer from o3-mini.", string.Concat(events.Split('\n').Where(l => l.Contains("text_delta")).Select(l => JsonNode.Parse(l["data: ".Length..])!["delta"]!["text"]!.GetValue<string>())));
        var streamed = JsonNode.Parse(azure.Requests.Last().Body)!;
        Assert.Equal(500, (int)streamed["max_completion_tokens"]!);
        Assert.True((bool)streamed["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task Tools_towards_Azure_at_the_default_api_version_are_refused_by_the_gateway_naming_the_field()
    {
        var azure = await FakeAsync();
        var host = await AzureAsync(azure, "gpt-4o");

        using var response = await host.ChatAsync("/r/v1/messages", AnthropicAsk());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
        Assert.Contains("'tools'", (string?)error["error"]!["message"]);
        Assert.Contains("2023-05-15", (string?)error["error"]!["message"]);
        Assert.Equal(0, azure.RequestCount);
    }

    [Theory]
    [InlineData("2023-05-15", "stream_options")]
    [InlineData("2024-06-01", "stream_options")]
    [InlineData("2024-02-01", "parallel_tool_calls")]
    [InlineData("2024-10-21", "max_completion_tokens")]
    public async Task The_fake_Azure_refuses_fields_its_api_version_lacks_in_Azures_words(string apiVersion, string field)
    {
        var azure = await FakeAsync();
        var body = $$"""{"messages":[{"role":"user","content":"hi"}],"stream":true,"{{field}}":{{(field == "stream_options" ? """{"include_usage":true}""" : field == "parallel_tool_calls" ? "false" : "10")}}}""";
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{azure.BaseUrl}/openai/deployments/d/chat/completions?api-version={apiVersion}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("api-key", "k");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal($"Unrecognized request argument supplied: {field}", (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
    }

    [Fact]
    public async Task An_OpenAI_targets_configured_max_tokens_reaches_a_reasoning_model_as_max_completion_tokens()
    {
        var openai = await FakeAsync();
        var host = await OpenAIAsync(openai, "o3", "max_tokens: 64", llmFormat: "openai");

        var answer = await PostAsync(host, "/r", """{"model":"x","max_tokens":10,"max_completion_tokens":20,"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("Fake answer from o3.", (string?)answer["choices"]![0]!["message"]!["content"]);
        var sent = JsonNode.Parse(openai.Requests.Single().Body)!.AsObject();
        Assert.Equal(64, (int)sent["max_completion_tokens"]!);
        Assert.False(sent.ContainsKey("max_tokens"));
    }

    [Theory]
    [InlineData("openai", "temperature: 0.2", "temperature")]
    [InlineData("azure", "top_p: 0.5", "top_p")]
    public async Task A_reasoning_model_target_with_configured_sampling_is_misconfigured_not_sent(string provider, string option, string name)
    {
        var fake = await FakeAsync();
        var host = provider == "openai" ? await OpenAIAsync(fake, "gpt-5-mini", option, llmFormat: "openai")
            : await AzureAsync(fake, "o4-mini", "azure_api_version: '2025-04-01-preview', " + option, llmFormat: "openai");

        using var response = await host.ChatAsync("/r");

        // The gateway's answer for a misconfigured target (logged as an error with the same words).
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"takes no {name} but 1", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, fake.RequestCount);
    }

    [Fact]
    public async Task The_fake_OpenAI_refuses_what_reasoning_models_refuse_in_OpenAIs_words()
    {
        var openai = await FakeAsync();
        using var client = new HttpClient();
        async Task<string> Refusal(string body)
        {
            using var response = await client.PostAsync(openai.ChatUrl, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!;
        }

        Assert.Equal("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            await Refusal("""{"model":"o1","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
            await Refusal("""{"model":"gpt-5","temperature":0.2,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("Unrecognized request argument supplied: top_k", await Refusal("""{"model":"gpt-4o","top_k":5,"messages":[{"role":"user","content":"hi"}]}"""));
    }

    [Fact]
    public async Task A_configured_top_k_does_not_reach_Azure()
    {
        var azure = await FakeAsync();
        var host = await AzureAsync(azure, "gpt-4o", "azure_api_version: '2024-10-21', top_k: 40", llmFormat: "openai");

        var answer = await PostAsync(host, "/r", """{"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal("Fake answer from gpt-4o.", (string?)answer["choices"]![0]!["message"]!["content"]);
        Assert.DoesNotContain("top_k", azure.Requests.Single().Body);
    }

    private static string ThinkingAsk(bool stream) =>
        AnthropicAsk(stream, "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},").Replace("\"temperature\":0.2,", "").Replace("\"max_tokens\":300", "\"max_tokens\":2000");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_Anthropic_client_keeps_its_thinking_across_a_tool_turn_to_Anthropic_byte_for_byte(bool stream)
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic);

        JsonObject first;
        if (!stream) first = await PostAsync(host, "/r/v1/messages", ThinkingAsk(stream: false));
        else
        {
            // The streamed answer as a client accumulates it: the thinking block's text and signature from their deltas.
            using var response = await host.ChatAsync("/r/v1/messages", ThinkingAsk(stream: true));
            var events = (await response.Content.ReadAsStringAsync()).Split("\n").Where(l => l.StartsWith("data: ")).Select(l => JsonNode.Parse(l[6..])!).ToArray();
            var blocks = events.Where(e => (string?)e["type"] == "content_block_start").Select(e => e["content_block"]!.DeepClone().AsObject()).ToArray();
            foreach (var delta in events.Where(e => (string?)e["type"] == "content_block_delta"))
            {
                var block = blocks[(int)delta["index"]!];
                var d = delta["delta"]!;
                switch ((string?)d["type"])
                {
                    case "thinking_delta": block["thinking"] = (string?)block["thinking"] + (string?)d["thinking"]; break;
                    case "signature_delta": block["signature"] = (string?)d["signature"]; break;
                    case "input_json_delta": block["input"] = JsonNode.Parse(FakeAnswer.ToolArguments); break;
                }
            }
            first = new JsonObject { ["content"] = new JsonArray([.. blocks]) };
        }
        var thinking = first["content"]![0]!;
        Assert.Equal("thinking", (string?)thinking["type"]);
        Assert.Equal(FakeAnthropic.Signature((string)thinking["thinking"]!), (string?)thinking["signature"]);

        var second = await PostAsync(host, "/r/v1/messages", SecondTurn(ThinkingAsk(stream: false), first));

        Assert.Equal("end_turn", (string?)second["stop_reason"]);
        // What reached Anthropic on the second turn is the client's thinking block, signature and all, unchanged.
        var sent = JsonNode.Parse(anthropic.Requests.Last().Body)!;
        Assert.True(JsonNode.DeepEquals(thinking, sent["messages"]![1]!["content"]![0]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ThinkingAsk(false))!["thinking"], sent["thinking"]));
    }

    [Fact]
    public async Task Anthropic_refuses_a_tool_turn_that_lost_its_thinking_in_its_own_words()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic);
        var first = await PostAsync(host, "/r/v1/messages", ThinkingAsk(stream: false));
        first["content"]!.AsArray().RemoveAt(0);

        using var response = await host.ChatAsync("/r/v1/messages", SecondTurn(ThinkingAsk(stream: false), first));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block",
            await response.Content.ReadAsStringAsync());
    }

    private const string OpenAIAsk = """
        {"model":"x","reasoning_effort":"low","messages":[{"role":"user","content":"Who is the greatest Polish poet? Search."}],
         "tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"query":{"type":"string"}}}}}]}
        """;

    /// <summary>An OpenAI client's second turn: the assistant message as it came (thinking_blocks included), and the tool's result.</summary>
    private static string OpenAISecondTurn(JsonObject message, bool keepThinking = true)
    {
        var request = JsonNode.Parse(OpenAIAsk)!.AsObject();
        var assistant = message.DeepClone().AsObject();
        if (!keepThinking) assistant.Remove("thinking_blocks");
        var call = assistant["tool_calls"]![0]!;
        request["messages"]!.AsArray().Add(assistant);
        request["messages"]!.AsArray().Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = (string?)call["id"], ["content"] = "Mickiewicz" });
        return request.ToJsonString();
    }

    [Fact]
    public async Task An_OpenAI_client_with_reasoning_effort_keeps_Anthropics_thinking_across_a_tool_turn()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic, llmFormat: "openai");

        var first = await PostAsync(host, "/r", OpenAIAsk);
        var message = first["choices"]![0]!["message"]!.AsObject();
        Assert.Equal("tool_calls", (string?)first["choices"]![0]!["finish_reason"]);
        Assert.StartsWith("The user wants a search", (string?)message["reasoning_content"]);
        var second = await PostAsync(host, "/r", OpenAISecondTurn(message));

        Assert.Equal("Fake answer from claude-sonnet-4-5.", (string?)second["choices"]![0]!["message"]!["content"]);
        var sent = anthropic.Requests.Select(r => JsonNode.Parse(r.Body)!).ToArray();
        Assert.Equal(1024, (int)sent[0]["thinking"]!["budget_tokens"]!);
        Assert.True(JsonNode.DeepEquals(message["thinking_blocks"]![0], sent[1]["messages"]![1]!["content"]![0]));
    }

    [Fact]
    public async Task An_OpenAI_client_streaming_with_reasoning_effort_gets_the_signed_thinking_block_to_send_back()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic, llmFormat: "openai");

        using var response = await host.ChatAsync("/r", OpenAIAsk.Replace("\"model\":\"x\",", "\"model\":\"x\",\"stream\":true,"));
        var deltas = (await response.Content.ReadAsStringAsync()).Split("\n").Where(l => l.StartsWith("data: {"))
            .Select(l => JsonNode.Parse(l[6..])!["choices"]?[0]?["delta"]).OfType<JsonNode>().ToArray();

        var reasoning = string.Concat(deltas.Select(d => (string?)d["reasoning_content"]));
        var block = deltas.Select(d => d["thinking_blocks"]?[0]).OfType<JsonNode>().Single();
        Assert.Equal(reasoning, (string?)block["thinking"]);
        Assert.Equal(FakeAnthropic.Signature(reasoning), (string?)block["signature"]);
        var message = new JsonObject
        {
            ["role"] = "assistant", ["content"] = null, ["thinking_blocks"] = new JsonArray(block.DeepClone()),
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = (string?)deltas.Select(d => d["tool_calls"]?[0]?["id"]).OfType<JsonNode>().First(), ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "search", ["arguments"] = FakeAnswer.ToolArguments },
            }),
        };
        var second = await PostAsync(host, "/r", OpenAISecondTurn(message));
        Assert.Equal("Fake answer from claude-sonnet-4-5.", (string?)second["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task An_OpenAI_client_that_drops_the_thinking_blocks_gets_Anthropics_refusal()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic, llmFormat: "openai");
        var first = await PostAsync(host, "/r", OpenAIAsk);

        using var response = await host.ChatAsync("/r", OpenAISecondTurn(first["choices"]![0]!["message"]!.AsObject(), keepThinking: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must start with a thinking block", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anthropics_cache_reads_reach_an_OpenAI_client_as_cached_tokens_and_OpenAIs_reach_an_Anthropic_client()
    {
        var (anthropic, openai) = (await FakeAsync(), await FakeAsync());
        var toAnthropic = await AnthropicAsync(anthropic, llmFormat: "openai");
        var toOpenAI = await OpenAIAsync(openai, "gpt-4o");

        var answer = await PostAsync(toAnthropic, "/r", """{"messages":[{"role":"user","content":"hi [cached]"}]}""");
        var message = await PostAsync(toOpenAI, "/r/v1/messages", """{"max_tokens":10,"messages":[{"role":"user","content":"a long prompt [cached]"}]}""");

        Assert.Equal(FakeAnthropic.CachedTokens, (int)answer["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        // OpenAI's prompt tokens include the cached half; Anthropic's input_tokens do not.
        var usage = message["usage"]!;
        var prompt = Math.Max(1, openai.Requests.Single().Body.Length / 4);
        Assert.Equal(prompt / 2, (int)usage["cache_read_input_tokens"]!);
        Assert.Equal(prompt - prompt / 2, (int)usage["input_tokens"]!);
        Assert.Equal(4, (int)usage["output_tokens"]!);
    }

    [Fact]
    public async Task A_json_response_format_towards_Anthropic_is_refused_naming_the_field()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic, llmFormat: "openai");

        using var response = await host.ChatAsync("/r", """{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the request cannot be sent to provider 'anthropic': 'response_format'", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, anthropic.RequestCount);
    }

    [Fact]
    public async Task A_json_schema_response_format_reaches_Anthropic_as_structured_outputs()
    {
        var anthropic = await FakeAsync();
        var host = await AnthropicAsync(anthropic, llmFormat: "openai");
        const string schema = """{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"],"additionalProperties":false}""";

        var answer = await PostAsync(host, "/r", """{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","strict":true,"schema":""" + schema + "}}}");

        var content = (string)answer["choices"]![0]!["message"]!["content"]!;
        Assert.Equal("Fake answer from claude-sonnet-4-5.", (string?)JsonNode.Parse(content)!["answer"]);
        var sent = JsonNode.Parse(anthropic.Requests.Single().Body)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(schema), sent["output_config"]!["format"]!["schema"]));
        Assert.Equal("json_schema", (string?)sent["output_config"]!["format"]!["type"]);
    }
}
