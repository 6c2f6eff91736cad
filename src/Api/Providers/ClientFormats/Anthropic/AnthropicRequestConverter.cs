using System.Text;
using System.Text.Json;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats.Anthropic;

/// <summary>
/// An Anthropic Messages request → the internal OpenAI chat request: <c>system</c> becomes the first message,
/// content blocks become parts (text, images), <c>tool_use</c> blocks tool calls, <c>tool_result</c> blocks tool
/// messages, <c>stop_sequences</c> <c>stop</c>, tools and <c>tool_choice</c> OpenAI's, <c>thinking</c> a reasoning
/// model's <c>reasoning_effort</c>. What the request may carry depends on the target (<see cref="InternalTarget"/>):
/// <c>max_completion_tokens</c> and no sampling for reasoning models, <c>stream_options</c> and <c>top_k</c> only where
/// the provider takes them. Thinking blocks of earlier turns (OpenAI's chat takes no reasoning back), document blocks
/// and Anthropic's server tools are dropped.
/// </summary>
public static class AnthropicRequestConverter
{
    public static void Write(JsonElement request, ProviderTarget target, bool stream, Utf8JsonWriter w) =>
        Write(request, target, stream, w, InternalTarget.For(target, null));

    public static void Write(JsonElement request, ProviderTarget target, bool stream, Utf8JsonWriter w, InternalTarget traits)
    {
        w.WriteStartObject();
        w.WriteString("model", target.ModelName);
        w.WriteStartArray("messages");
        WriteSystem(w, Json.At(request, "system"));
        foreach (var message in Json.Array(Json.At(request, "messages"))) WriteMessage(w, message);
        w.WriteEndArray();
        // Reasoning models refuse max_tokens, and any temperature or top_p but their default: an Anthropic client cannot
        // know its route ends at one, so its sampling is left out (a configured one makes the target misconfigured).
        w.WriteIf(traits.Reasoning ? "max_completion_tokens" : "max_tokens", (long?)target.MaxTokens ?? Json.Long(request, "max_tokens"));
        if (!traits.Reasoning)
        {
            w.WriteIf("temperature", target.Temperature ?? Json.Double(request, "temperature"));
            w.WriteIf("top_p", target.TopP ?? Json.Double(request, "top_p"));
        }
        if (traits.TopK) w.WriteIf("top_k", (long?)target.TopK ?? Json.Long(request, "top_k"));
        if (traits.Reasoning && ReasoningEffort(Json.At(request, "thinking")) is { } effort) w.WriteString("reasoning_effort", effort);
        var stop = Json.Array(Json.At(request, "stop_sequences")).Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToArray();
        w.WriteStrings("stop", stop);
        if (stream)
        {
            w.WriteBoolean("stream", true);
            // Where the provider has no usage chunk (Azure before 2024-09-01), the event writer counts what it can.
            if (traits.StreamOptions)
            {
                w.WriteStartObject("stream_options");
                w.WriteBoolean("include_usage", true);
                w.WriteEndObject();
            }
        }
        WriteTools(w, request, traits);
        w.WriteIf("user", Json.String(Json.At(request, "metadata"), "user_id"));
        w.WriteBodyCredential(target);
        w.WriteEndObject();
    }

    /// <summary>
    /// Anthropic's <c>thinking</c> → OpenAI's <c>reasoning_effort</c>, by the budget the client allows: under 4,096
    /// tokens <c>low</c>, under 16,384 <c>medium</c>, more <c>high</c>; <c>adaptive</c> leaves the model its default.
    /// </summary>
    public static string? ReasoningEffort(JsonElement thinking) =>
        Json.String(thinking, "type") == "enabled" && Json.Long(thinking, "budget_tokens") is { } budget
            ? budget < 4096 ? "low" : budget < 16384 ? "medium" : "high"
            : null;

    private static void WriteSystem(Utf8JsonWriter w, JsonElement system)
    {
        var text = system.ValueKind == JsonValueKind.String ? system.GetString() : TextOf(system);
        if (string.IsNullOrEmpty(text)) return;
        w.WriteStartObject();
        w.WriteString("role", "system");
        w.WriteString("content", text);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, JsonElement message)
    {
        var role = Json.String(message, "role") ?? "user";
        var content = Json.At(message, "content");
        if (content.ValueKind == JsonValueKind.String)
        {
            w.WriteStartObject();
            w.WriteString("role", role);
            w.WriteString("content", content.GetString());
            w.WriteEndObject();
            return;
        }
        var blocks = Json.Array(content).ToArray();
        if (role == "assistant") WriteAssistant(w, blocks);
        else WriteUser(w, blocks);
    }

    /// <summary>Text joined into the content; tool_use blocks into tool_calls (content null when only calls).</summary>
    private static void WriteAssistant(Utf8JsonWriter w, JsonElement[] blocks)
    {
        var text = TextOf(blocks);
        var calls = blocks.Where(b => Json.String(b, "type") == "tool_use").ToArray();
        w.WriteStartObject();
        w.WriteString("role", "assistant");
        if (text.Length == 0 && calls.Length > 0) w.WriteNull("content");
        else w.WriteString("content", text);
        if (calls.Length > 0)
            ChatCompletion.WriteToolCalls(w, [.. calls.Select(c => new ToolCall(Json.String(c, "id") ?? "", Json.String(c, "name") ?? "",
                ChatCompletion.ArgumentsText(Json.At(c, "input"))))]);
        w.WriteEndObject();
    }

    /// <summary>Tool results first (OpenAI wants them right after the assistant's calls), then the rest as one user message.</summary>
    private static void WriteUser(Utf8JsonWriter w, JsonElement[] blocks)
    {
        foreach (var result in blocks.Where(b => Json.String(b, "type") == "tool_result"))
        {
            w.WriteStartObject();
            w.WriteString("role", "tool");
            w.WriteString("tool_call_id", Json.String(result, "tool_use_id") ?? "");
            var content = Json.At(result, "content");
            w.WriteString("content", content.ValueKind == JsonValueKind.String ? content.GetString() : TextOf(content));
            w.WriteEndObject();
        }
        var parts = blocks.Where(b => Json.String(b, "type") is "text" or "image").ToArray();
        if (parts.Length == 0) return;
        w.WriteStartObject();
        w.WriteString("role", "user");
        w.WriteStartArray("content");
        foreach (var part in parts) WritePart(w, part);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, JsonElement block)
    {
        w.WriteStartObject();
        if (Json.String(block, "type") == "text")
        {
            w.WriteString("type", "text");
            w.WriteString("text", Json.String(block, "text") ?? "");
        }
        else
        {
            var source = Json.At(block, "source");
            var url = Json.String(source, "type") == "url"
                ? Json.String(source, "url")
                : $"data:{Json.String(source, "media_type")};base64,{Json.String(source, "data")}";
            w.WriteString("type", "image_url");
            w.WriteStartObject("image_url");
            w.WriteString("url", url);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Custom tools (those with an <c>input_schema</c>) as functions; Anthropic's server tools have no equivalent.</summary>
    private static void WriteTools(Utf8JsonWriter w, JsonElement request, InternalTarget traits)
    {
        var tools = Json.Array(Json.At(request, "tools")).Where(t => Json.At(t, "input_schema").ValueKind == JsonValueKind.Object).ToArray();
        if (tools.Length == 0) return;
        if (!traits.Tools)
            throw new NotSupportedException($"'tools': Azure api-version {traits.ApiVersion} has no tool calling (it came with 2023-12-01-preview); "
                + "set the target's model.options.azure_api_version to 2024-10-21 or later");
        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", Json.String(tool, "name") ?? "");
            w.WriteIf("description", Json.String(tool, "description"));
            w.WritePropertyName("parameters");
            Json.At(tool, "input_schema").WriteTo(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteToolChoice(w, Json.At(request, "tool_choice"));
    }

    private static void WriteToolChoice(Utf8JsonWriter w, JsonElement choice)
    {
        switch (Json.String(choice, "type"))
        {
            case "auto": w.WriteString("tool_choice", ToolChoice.Auto); break;
            case "any": w.WriteString("tool_choice", ToolChoice.Required); break;
            case "none": w.WriteString("tool_choice", ToolChoice.None); break;
            case "tool":
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", Json.String(choice, "name") ?? "");
                w.WriteEndObject();
                w.WriteEndObject();
                break;
        }
        if (Json.At(choice, "disable_parallel_tool_use").ValueKind == JsonValueKind.True)
            w.WriteBoolean("parallel_tool_calls", false);
    }

    private static string TextOf(JsonElement blocks) => TextOf(Json.Array(blocks));

    private static string TextOf(IEnumerable<JsonElement> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
            if (Json.String(block, "type") == "text" && Json.String(block, "text") is { } piece)
                text.Append(text.Length > 0 ? "\n" : "").Append(piece);
        return text.ToString();
    }
}

/// <summary>What the internal OpenAI request may carry for one target: decided once per target, from its provider, model and endpoint.</summary>
/// <param name="Reasoning">An OpenAI reasoning model (<see cref="OpenAICompatible.OpenAIModels.IsReasoning"/>).</param>
/// <param name="StreamOptions">The provider takes <c>stream_options.include_usage</c>.</param>
/// <param name="TopK">The provider takes <c>top_k</c>.</param>
/// <param name="Tools">The provider takes <c>tools</c> (not Azure before 2023-12-01-preview).</param>
/// <param name="ApiVersion">Azure's api-version, for the words of a refusal.</param>
public sealed record InternalTarget(bool Reasoning, bool StreamOptions, bool TopK, bool Tools, string? ApiVersion)
{
    /// <param name="url">The target's endpoint, whose query may name Azure's api-version.</param>
    public static InternalTarget For(ProviderTarget target, Uri? url)
    {
        var openAIModels = target.Provider is "openai" or "azure";
        var apiVersion = target.Provider == "azure"
            ? OpenAICompatible.OpenAIModels.AzureApiVersion(url) ?? target.Option("azure_api_version") ?? OpenAICompatible.OpenAICompatibleDrivers.AzureDefaultApiVersion
            : null;
        return new InternalTarget(
            Reasoning: openAIModels && OpenAICompatible.OpenAIModels.IsReasoning(target.ModelName),
            StreamOptions: OpenAICompatible.OpenAIModels.TakesStreamOptions(target.Provider, apiVersion),
            // Drivers that translate the internal request read top_k where their API has one (Gemini, Cohere...).
            TopK: !openAIModels && target.Provider is not ("mistral" or "deepseek" or "xai" or "cerebras" or "huggingface"),
            Tools: target.Provider != "azure" || OpenAICompatible.OpenAIModels.AzureTakesTools(apiVersion),
            apiVersion);
    }
}
