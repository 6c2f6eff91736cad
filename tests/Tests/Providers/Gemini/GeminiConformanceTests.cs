using System.Text;
using System.Text.Json;
using Actors.Api.Providers;
using Actors.Api.Providers.Gemini;
using static Actors.Tests.Providers.ProviderTestKit;

namespace Actors.Tests.Providers.Gemini;

/// <summary>
/// The Gemini driver against what Google's API reference and its OpenAI compatibility layer say: thought signatures,
/// JSON mode, reasoning, image URLs, every OpenAI request field translated or refused by name, stop reasons, errors.
/// The rows of docs/conformance/gemini.md name these tests.
/// </summary>
public sealed class GeminiConformanceTests
{
    private readonly GeminiDriver _driver = new();
    private static ProviderTarget Model(string name) => Target("gemini", name) with { AuthHeaderName = "x-goog-api-key", AuthHeaderValue = "AIza-test" };
    private static readonly ProviderTarget Flash3 = Model("gemini-3-flash-preview");
    private static readonly ProviderTarget Flash25 = Model("gemini-2.5-flash");

    private const string Weather = """{"type":"function","function":{"name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";

    private static string Signature(JsonElement toolCall) =>
        toolCall.GetProperty("extra_content").GetProperty("google").GetProperty("thought_signature").GetString()!;

    // ---- 1. Thought signatures ----

    [Fact]
    public void Answer_tool_calls_carry_the_thought_signature_as_extra_content_google()
    {
        var completion = Translate(_driver, """
            {"candidates":[{"content":{"role":"model","parts":[
               {"functionCall":{"name":"weather","args":{"city":"Paris"}},"thoughtSignature":"c2lnLTE="},
               {"functionCall":{"name":"weather","args":{"city":"Rome"}}}]},"finishReason":"STOP"}]}
            """, Flash3);
        var calls = completion.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls");
        Assert.Equal("c2lnLTE=", Signature(calls[0]));
        // Parallel calls: Gemini signs only the first; the second carries nothing.
        Assert.False(calls[1].TryGetProperty("extra_content", out _));
        Assert.Equal("tool_calls", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Streamed_tool_calls_carry_the_thought_signature()
    {
        var stream = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"weather\",\"args\":{\"city\":\"Paris\"}},\"thoughtSignature\":\"c2lnLTE=\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n";
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Flash3, includeUsage: false)!, Encoding.UTF8.GetBytes(stream));
        var call = chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _)).Single().GetProperty("tool_calls")[0];
        Assert.Equal("weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("c2lnLTE=", Signature(call));
        Assert.Equal("tool_calls", FinishReason(chunks));
    }

    private const string SignedHistory = $$$$"""
        {"messages":[{"role":"user","content":"Weather in Paris and Rome?"},
          {"role":"assistant","content":null,"tool_calls":[
            {"id":"c1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"},"extra_content":{"google":{"thought_signature":"c2lnLTE="}}},
            {"id":"c2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"sunny"},{"role":"tool","tool_call_id":"c2","content":"rainy"}],
         "tools":[{{{{Weather}}}}]}
        """;

    [Fact]
    public void Request_puts_each_signature_back_on_its_functionCall_part()
    {
        var (body, _) = Write(_driver, SignedHistory, Flash3);
        var parts = body.GetProperty("contents")[1].GetProperty("parts");
        Assert.Equal("c2lnLTE=", parts[0].GetProperty("thoughtSignature").GetString());
        Assert.Equal("Paris", parts[0].GetProperty("functionCall").GetProperty("args").GetProperty("city").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));
        Assert.False(parts[0].GetProperty("functionCall").TryGetProperty("thoughtSignature", out _));
    }

    [Fact]
    public void An_unsigned_call_in_the_current_turn_gets_googles_dummy_signature_on_gemini_3_only()
    {
        var unsigned = SignedHistory.Replace(""","extra_content":{"google":{"thought_signature":"c2lnLTE="}}""", "");
        var (gemini3, _) = Write(_driver, unsigned, Flash3);
        var parts = gemini3.GetProperty("contents")[1].GetProperty("parts");
        Assert.Equal(GeminiRequestWriter.SkipSignatureValidator, parts[0].GetProperty("thoughtSignature").GetString());
        Assert.False(parts[1].TryGetProperty("thoughtSignature", out _));

        var (gemini25, _) = Write(_driver, unsigned, Flash25);
        Assert.False(gemini25.GetProperty("contents")[1].GetProperty("parts")[0].TryGetProperty("thoughtSignature", out _));

        // An earlier turn (before the last user text) is not checked: nothing is invented for it.
        var older = unsigned.Replace("""{"role":"tool","tool_call_id":"c2","content":"rainy"}]""",
            """{"role":"tool","tool_call_id":"c2","content":"rainy"},{"role":"assistant","content":"Sunny, then rain."},{"role":"user","content":"Thanks"}]""");
        var (later, _) = Write(_driver, older, Flash3);
        Assert.False(later.GetProperty("contents")[1].GetProperty("parts")[0].TryGetProperty("thoughtSignature", out _));
    }

    [Theory]
    [InlineData("gemini-3-pro-preview", 3)]
    [InlineData("gemini-3.1-flash-lite", 3)]
    [InlineData("models/gemini-2.5-flash", 2)]
    [InlineData("gemini-2.0-flash-001", 2)]
    [InlineData("gemini-flash-latest", null)]
    public void Model_generation_is_read_from_the_name(string model, int? major)
    {
        Assert.Equal(major, GeminiModels.MajorVersion(model));
        Assert.Equal(major is null or >= 3, GeminiModels.RequiresThoughtSignatures(model));
    }

    // ---- 2. JSON mode ----

    [Fact]
    public void Json_object_and_json_schema_become_response_mime_type_and_response_json_schema()
    {
        var (json, _) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""", Flash25);
        var config = json.GetProperty("generationConfig");
        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        Assert.False(config.TryGetProperty("responseJsonSchema", out _));

        var (schema, _) = Write(_driver, """
            {"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,
              "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}}}}
            """, Flash25);
        config = schema.GetProperty("generationConfig");
        Assert.Equal("application/json", config.GetProperty("responseMimeType").GetString());
        // JSON Schema goes as the client wrote it: responseJsonSchema takes JSON Schema, additionalProperties included.
        var sent = config.GetProperty("responseJsonSchema");
        Assert.False(sent.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("name", sent.GetProperty("required")[0].GetString());
        Assert.False(config.TryGetProperty("responseSchema", out _));

        var (text, _) = Write(_driver, """{"messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"text"}}""", Flash25);
        Assert.False(text.TryGetProperty("generationConfig", out _));
    }

    // ---- 3. Reasoning ----

    [Theory]
    [InlineData("gemini-3-flash-preview", "minimal", "MINIMAL", null)]
    [InlineData("gemini-3-flash-preview", "none", "MINIMAL", null)]
    [InlineData("gemini-3-pro-preview", "minimal", "LOW", null)]
    [InlineData("gemini-3.1-pro-preview", "low", "LOW", null)]
    [InlineData("gemini-3-flash-preview", "medium", "MEDIUM", null)]
    [InlineData("gemini-3-pro-preview", "high", "HIGH", null)]
    [InlineData("gemini-3-flash-preview", "xhigh", "HIGH", null)]
    [InlineData("gemini-2.5-flash", "none", null, 0)]
    [InlineData("gemini-2.5-flash", "minimal", null, 1024)]
    [InlineData("gemini-2.5-pro", "low", null, 1024)]
    [InlineData("gemini-2.5-flash", "medium", null, 8192)]
    [InlineData("gemini-2.5-flash", "high", null, 24576)]
    public void Reasoning_effort_becomes_a_thinking_level_on_gemini_3_and_a_budget_on_2_5(string model, string effort, string? level, int? budget)
    {
        var (body, _) = Write(_driver, $$"""{"messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"{{effort}}"}""", Model(model));
        var thinking = body.GetProperty("generationConfig").GetProperty("thinkingConfig");
        Assert.Equal(level, thinking.TryGetProperty("thinkingLevel", out var l) ? l.GetString() : null);
        Assert.Equal(budget, thinking.TryGetProperty("thinkingBudget", out var b) ? b.GetInt32() : null);
    }

    [Fact]
    public void Usage_reports_reasoning_and_cached_tokens_and_hides_thoughts()
    {
        const string answer = """
            {"candidates":[{"content":{"role":"model","parts":[{"text":"Let me think about Paris...","thought":true},{"text":"Sunny."}]},"finishReason":"STOP"}],
             "usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":60,"candidatesTokenCount":4,"thoughtsTokenCount":30,"totalTokenCount":134}}
            """;
        var completion = Translate(_driver, answer, Flash3);
        Assert.Equal("Sunny.", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var usage = completion.GetProperty("usage");
        Assert.Equal(100, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(34, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(60, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(30, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());

        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Flash3, includeUsage: true)!,
            Encoding.UTF8.GetBytes("data: " + answer.ReplaceLineEndings("") + "\r\n\r\n"));
        Assert.Equal("Sunny.", Text(chunks));
        var streamed = Usage(chunks)!.Value;
        Assert.Equal(60, streamed.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(30, streamed.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(34, streamed.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public void Usage_without_cache_or_thoughts_has_no_details()
    {
        var usage = Translate(_driver, """{"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1}}""", Flash25)
            .GetProperty("usage");
        Assert.False(usage.TryGetProperty("prompt_tokens_details", out _));
        Assert.False(usage.TryGetProperty("completion_tokens_details", out _));
    }

    // ---- 4. Images ----

    [Fact]
    public void Image_urls_go_as_file_data_and_data_urls_inline()
    {
        var (body, _) = Write(_driver, """
            {"messages":[{"role":"user","content":[{"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"https://example.com/a/cat.PNG?size=large"}},
              {"type":"image_url","image_url":{"url":"data:image/webp;base64,UklGRg=="}}]}]}
            """, Flash25);
        var parts = body.GetProperty("contents")[0].GetProperty("parts");
        Assert.Equal("https://example.com/a/cat.PNG?size=large", parts[1].GetProperty("fileData").GetProperty("fileUri").GetString());
        Assert.Equal("image/png", parts[1].GetProperty("fileData").GetProperty("mimeType").GetString());
        Assert.Equal("image/webp", parts[2].GetProperty("inlineData").GetProperty("mimeType").GetString());
        Assert.Equal("UklGRg==", parts[2].GetProperty("inlineData").GetProperty("data").GetString());
    }

    [Theory]
    [InlineData("https://example.com/image?id=3")]
    [InlineData("ftp://example.com/cat.png")]
    [InlineData("data:image/svg+xml,<svg/>")]
    public void An_image_gemini_cannot_be_given_is_refused_naming_its_place(string url)
    {
        var request = $$$"""{"messages":[{"role":"system","content":"x"},{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}""";
        var refused = Assert.Throws<NotSupportedException>(() => Write(_driver, request, Flash25));
        Assert.Contains("messages[1].content[1].image_url", refused.Message);
    }

    // ---- 5. Every field translated, ignored on purpose, or refused ----

    [Fact]
    public void Sampling_stop_seed_penalties_and_max_completion_tokens_are_translated()
    {
        var (body, _) = Write(_driver, """
            {"messages":[{"role":"user","content":"Hi"}],"stop":"END","n":1,"seed":42,"presence_penalty":0.5,"frequency_penalty":-0.25,
             "max_completion_tokens":77,"top_p":0.9,"logprobs":false}
            """, Flash25);
        var config = body.GetProperty("generationConfig");
        Assert.Equal("END", config.GetProperty("stopSequences")[0].GetString());
        Assert.Equal(42, config.GetProperty("seed").GetInt64());
        Assert.Equal(0.5, config.GetProperty("presencePenalty").GetDouble());
        Assert.Equal(-0.25, config.GetProperty("frequencyPenalty").GetDouble());
        Assert.Equal(77, config.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(0.9, config.GetProperty("topP").GetDouble());
        Assert.False(config.TryGetProperty("candidateCount", out _));
    }

    [Theory]
    [InlineData("\"none\"", "NONE", null)]
    [InlineData("\"auto\"", "AUTO", null)]
    [InlineData("\"required\"", "ANY", null)]
    [InlineData("""{"type":"function","function":{"name":"weather"}}""", "ANY", "weather")]
    [InlineData("""{"type":"allowed_tools","allowed_tools":{"mode":"required","tools":[{"type":"function","function":{"name":"weather"}}]}}""", "ANY", "weather")]
    public void Tool_choice_becomes_function_calling_config(string choice, string mode, string? allowed)
    {
        var (body, _) = Write(_driver, $$"""{"messages":[{"role":"user","content":"Hi"}],"tools":[{{Weather}}],"tool_choice":{{choice}}}""", Flash25);
        var calling = body.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal(mode, calling.GetProperty("mode").GetString());
        Assert.Equal(allowed, calling.TryGetProperty("allowedFunctionNames", out var names) ? names[0].GetString() : null);
    }

    [Fact]
    public void Allowed_tools_in_auto_mode_declare_only_the_allowed_functions()
    {
        var (body, _) = Write(_driver, $$$$"""
            {"messages":[{"role":"user","content":"Hi"}],"tools":[{{{{Weather}}}},{"type":"function","function":{"name":"search"}}],
             "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"auto","tools":[{"type":"function","function":{"name":"search"}}]}}}
            """, Flash25);
        var declared = body.GetProperty("tools")[0].GetProperty("functionDeclarations");
        Assert.Equal(["search"], declared.EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        Assert.False(body.TryGetProperty("toolConfig", out _));
    }

    [Fact]
    public void Legacy_functions_and_function_call_are_declared_and_chosen()
    {
        var (body, _) = Write(_driver, """
            {"messages":[{"role":"user","content":"Hi"}],"functions":[{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}],
             "function_call":{"name":"lookup"}}
            """, Flash25);
        Assert.Equal("lookup", body.GetProperty("tools")[0].GetProperty("functionDeclarations")[0].GetProperty("name").GetString());
        var calling = body.GetProperty("toolConfig").GetProperty("functionCallingConfig");
        Assert.Equal("ANY", calling.GetProperty("mode").GetString());
        Assert.Equal("lookup", calling.GetProperty("allowedFunctionNames")[0].GetString());
    }

    [Theory]
    [InlineData("\"n\":2", "'n'")]
    [InlineData("\"logprobs\":true", "'logprobs'")]
    [InlineData("\"top_logprobs\":3", "'top_logprobs'")]
    [InlineData("\"logit_bias\":{\"50256\":-100}", "'logit_bias'")]
    [InlineData("\"parallel_tool_calls\":false,\"tools\":[" + Weather + "]", "'parallel_tool_calls'")]
    [InlineData("\"modalities\":[\"text\",\"audio\"]", "'modalities'")]
    [InlineData("\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}", "'audio'")]
    [InlineData("\"verbosity\":\"low\"", "'verbosity'")]
    [InlineData("\"web_search_options\":{}", "'web_search_options'")]
    [InlineData("\"moderation\":{}", "'moderation'")]
    [InlineData("\"response_format\":{\"type\":\"grammar\"}", "'response_format'")]
    [InlineData("\"reasoning_effort\":\"extreme\"", "'reasoning_effort'")]
    [InlineData("\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]", "'tools[0]'")]
    [InlineData("\"tool_choice\":{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}", "'tool_choice'")]
    [InlineData("\"thinking\":{\"type\":\"enabled\"}", "'thinking'")]
    [InlineData("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}}]}]", "'messages[0].content[0]'")]
    [InlineData("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"file-1\"}}]}]", "'messages[0].content[0]'")]
    public void A_field_gemini_cannot_take_is_refused_by_name(string member, string named)
    {
        var request = member.StartsWith("\"messages\"", StringComparison.Ordinal)
            ? "{" + member + "}"
            : """{"messages":[{"role":"user","content":"Hi"}],""" + member + "}";
        var refused = Assert.Throws<NotSupportedException>(() => Write(_driver, request, Flash25));
        Assert.Contains($"field {named}", refused.Message);
    }

    [Fact]
    public void Client_side_fields_are_ignored_on_purpose_and_nothing_else_is()
    {
        var (body, _) = Write(_driver, """
            {"messages":[{"role":"user","content":[{"text":"Hi"}]}],"user":"u1","safety_identifier":"s","metadata":{"a":"b"},"store":true,"service_tier":"auto",
             "stream_options":{"include_usage":true},"prompt_cache_key":"k","prompt_cache_retention":"24h","prediction":{"type":"content","content":"x"},
             "parallel_tool_calls":true,"verbosity":"medium","modalities":["text"],"seed":null}
            """, Flash25);
        Assert.Equal(["contents"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(10, GeminiRequestOptions.Ignored.Count);
    }

    // ---- 6. Stop reasons, errors, mid-stream errors ----

    [Theory]
    [InlineData("STOP", false, "stop")]
    [InlineData("STOP", true, "tool_calls")]
    [InlineData("MAX_TOKENS", true, "length")]
    [InlineData("SAFETY", false, "content_filter")]
    [InlineData("RECITATION", false, "content_filter")]
    [InlineData("PROHIBITED_CONTENT", false, "content_filter")]
    [InlineData("IMAGE_SAFETY", false, "content_filter")]
    [InlineData("MALFORMED_FUNCTION_CALL", false, "stop")]
    [InlineData("MALFORMED_FUNCTION_CALL", true, "stop")]
    [InlineData("UNEXPECTED_TOOL_CALL", false, "stop")]
    [InlineData("OTHER", false, "stop")]
    public void Finish_reasons_become_openai_values(string reason, bool calledTools, string expected) =>
        Assert.Equal(expected, GeminiDriver.FinishReason(reason, calledTools, blocked: false));

    [Fact]
    public void An_invalid_key_is_a_401_and_other_errors_keep_googles_status()
    {
        var (status, error) = Error(_driver, 400, """
            {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
              "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}
            """);
        Assert.Equal(401, status);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Equal("API key not valid. Please pass a valid API key.", error.GetProperty("message").GetString());

        var (missing, signature) = Error(_driver, 400, """{"error":{"code":400,"message":"Function call is missing a thought_signature in functionCall parts.","status":"INVALID_ARGUMENT"}}""");
        Assert.Equal(400, missing);
        Assert.Equal("invalid_request_error", signature.GetProperty("type").GetString());
        Assert.Equal("INVALID_ARGUMENT", signature.GetProperty("code").GetString());

        var (notFound, _) = Error(_driver, 404, """{"error":{"code":404,"message":"models/gemini-9 is not found","status":"NOT_FOUND"}}""");
        Assert.Equal(404, notFound);
        var (timeout, late) = Error(_driver, 504, """{"error":{"code":504,"message":"Deadline expired","status":"DEADLINE_EXCEEDED"}}""");
        Assert.Equal(504, timeout);
        Assert.Equal("server_error", late.GetProperty("type").GetString());
    }

    [Fact]
    public void A_mid_stream_error_becomes_an_openai_error_event_and_the_stream_ends()
    {
        var stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"}}]}\r\n\r\n"
            + "data: {\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}\r\n\r\n";
        var chunks = StreamSplitEverywhere(() => _driver.CreateStreamTranslator(Flash25, includeUsage: false)!, Encoding.UTF8.GetBytes(stream));
        Assert.Equal("Hel", Text(chunks));
        var error = chunks.Single(c => c.TryGetProperty("error", out _)).GetProperty("error");
        Assert.Equal("An internal error has occurred.", error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Null(FinishReason(chunks));
    }
}
