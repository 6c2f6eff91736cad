using Actors.Api.Errors;
using Actors.Api.Providers.Translation;

namespace Actors.Api.Providers.ClientFormats;

/// <summary>
/// AWS's JSON protocol, as Bedrock Runtime answers: <c>{"message":...}</c>, the exception's name in the
/// <c>x-amzn-ErrorType</c> header, which the AWS SDKs turn into their exception types.
/// </summary>
public sealed class AwsErrorShape : IErrorShape
{
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    public static readonly AwsErrorShape Instance = new();

    private AwsErrorShape() { }

    public byte[] Body(GatewayError error) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("message", error.Message);
        w.WriteEndObject();
    });

    public void AddHeaders(GatewayError error, IHeaderDictionary headers) => headers[ErrorTypeHeader] = ExceptionFor(error.Status);

    /// <summary>Bedrock Runtime's exception for a status (the ones its API declares).</summary>
    public static string ExceptionFor(int status) => status switch
    {
        401 or 403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        504 => "ModelTimeoutException",
        >= 500 => "InternalServerException",
        _ => "ValidationException",
    };
}
