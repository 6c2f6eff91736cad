using System.Security.Cryptography;
using Actors.FakeOpenAI;

namespace Actors.Tests.Support;

/// <summary>Large bodies compared by length and SHA-256, read in chunks so the test never holds them either.</summary>
public static class BodyHash
{
    public static async Task<(long Length, byte[] Hash)> OfAsync(HttpResponseMessage response)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var length = 0L;
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        return (length, hash.GetHashAndReset());
    }

    /// <summary>What the fake's <c>--Fake:ResponseBytes</c> completion for <paramref name="model"/> hashes to.</summary>
    public static byte[] OfHugeCompletion(string model, int size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var piece in HugeCompletion.Pieces(model, size)) hash.AppendData(piece.Span);
        return hash.GetHashAndReset();
    }
}
