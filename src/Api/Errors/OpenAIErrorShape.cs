using Actors.Api.Providers.Translation;

namespace Actors.Api.Errors;

/// <summary><c>{"error":{"message":...,"type":...}}</c>: the default, and the admin API's.</summary>
public sealed class OpenAIErrorShape : IErrorShape
{
    public static readonly OpenAIErrorShape Instance = new();

    private OpenAIErrorShape() { }

    public byte[] Body(GatewayError error) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        if (error.Problems is { } problems) w.WriteStrings("problems", problems);
        w.WriteEndObject();
        w.WriteEndObject();
    });
}
