using System.Text.Json;

namespace Actors.Api.Providers.Translation;

/// <summary>A native API's names for the OpenAI sampling members; a null name is a member that API does not take there.</summary>
public sealed record SamplingNames(string Temperature, string TopP, string? TopK, string? MaxTokens, string Stop);

/// <summary>
/// The parts of a request body that native APIs share but spell differently: sampling members, tool calls and tool
/// declarations, written under the names each driver passes in.
/// </summary>
public static class NativeJson
{
    /// <summary>The schema sent for a tool declared without parameters, to APIs that require one.</summary>
    public const string EmptyObjectSchema = """{"type":"object","properties":{}}""";

    /// <summary>The client's sampling members that have a value, as members of the open object.</summary>
    public static void WriteSampling(this Utf8JsonWriter w, OpenAIChatRequest request, SamplingNames names)
    {
        w.WriteIf(names.Temperature, request.Temperature);
        w.WriteIf(names.TopP, request.TopP);
        if (names.TopK is { } topK) w.WriteIf(topK, request.TopK);
        if (names.MaxTokens is { } maxTokens) w.WriteIf(maxTokens, request.MaxTokens);
        w.WriteStrings(names.Stop, request.Stop);
    }

    /// <summary>The same members inside an object named <paramref name="name"/>, left out when none has a value.</summary>
    public static void WriteSamplingObject(this Utf8JsonWriter w, string name, OpenAIChatRequest request, SamplingNames names)
    {
        var any = request.Temperature is not null || request.TopP is not null || request.Stop.Count > 0
            || (names.TopK is not null && request.TopK is not null) || (names.MaxTokens is not null && request.MaxTokens is not null);
        if (!any) return;
        w.WriteStartObject(name);
        w.WriteSampling(request, names);
        w.WriteEndObject();
    }

    /// <summary>A text part as Gemini and Bedrock take it: <c>{"text":...}</c>.</summary>
    public static void WriteTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    /// <summary>
    /// One assistant tool call as <c>{"wrapper":{"idName":...,"name":...,"argumentsName":{...}}}</c>, its arguments
    /// as an object; without <paramref name="idName"/> the call's id is not sent.
    /// </summary>
    public static void WriteToolCall(Utf8JsonWriter w, ToolCall call, string wrapper, string argumentsName, string? idName = null)
    {
        w.WriteStartObject();
        w.WriteStartObject(wrapper);
        if (idName is not null) w.WriteString(idName, call.Id);
        w.WriteString("name", call.Name);
        w.WritePropertyName(argumentsName);
        Json.WriteArgumentsObject(w, call.Arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// A tool's <c>name</c>, <c>description</c> and its parameter schema under <paramref name="parametersName"/>, as
    /// members of the open object; without parameters, <paramref name="defaultSchema"/> or nothing.
    /// </summary>
    public static void WriteToolDeclaration(Utf8JsonWriter w, ToolDefinition tool, string parametersName, string? defaultSchema)
    {
        w.WriteString("name", tool.Name);
        w.WriteIf("description", tool.Description);
        if ((tool.ParametersJson ?? defaultSchema) is not { } schema) return;
        w.WritePropertyName(parametersName);
        w.WriteRawValue(schema);
    }

    /// <summary>The tools as OpenAI declares them (<c>{"type":"function","function":{...}}</c>), for APIs that take that shape.</summary>
    public static void WriteOpenAITools(Utf8JsonWriter w, IReadOnlyList<ToolDefinition> tools, string? defaultSchema)
    {
        w.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            WriteToolDeclaration(w, tool, "parameters", defaultSchema);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
