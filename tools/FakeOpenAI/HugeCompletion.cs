using System.Text;

namespace Actors.FakeOpenAI;

/// <summary>
/// A chat completion of any size (<c>--Fake:ResponseBytes 50000000</c>), the same bytes every time for a model and
/// size, generated piece by piece so the fake never holds it: for tests of how a gateway copies large bodies.
/// </summary>
public static class HugeCompletion
{
    public const int PromptTokens = 7;
    private const int PieceBytes = 64 * 1024;
    private static readonly byte[] Filler = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, PieceBytes / 26 + 1).Select(_ => "abcdefghijklmnopqrstuvwxyz")))[..PieceBytes];

    public static long ContentBytes(int size) => Math.Max(0, size - 400);
    public static long CompletionTokens(int size) => ContentBytes(size) / 4;

    /// <summary>The body in pieces: head, content, and a tail with the usage.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Pieces(string model, int size)
    {
        yield return Encoding.UTF8.GetBytes(
            $"{{\"id\":\"chatcmpl-huge\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"{model}\",\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"");
        for (var left = ContentBytes(size); left > 0; left -= PieceBytes) yield return Filler.AsMemory(0, (int)Math.Min(left, PieceBytes));
        yield return Encoding.UTF8.GetBytes(
            $"\"}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{CompletionTokens(size)},\"total_tokens\":{PromptTokens + CompletionTokens(size)}}}}}");
    }

    public static long Length(string model, int size) => Pieces(model, size).Sum(p => (long)p.Length);

    public static async Task WriteAsync(HttpResponse response, string model, int size)
    {
        response.ContentType = "application/json";
        response.ContentLength = Length(model, size);
        foreach (var piece in Pieces(model, size)) await response.Body.WriteAsync(piece, response.HttpContext.RequestAborted);
    }
}
