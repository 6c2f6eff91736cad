using CommunityToolkit.HighPerformance.Buffers;

namespace Actors.Api.Admin;

public static class RequestBodies
{
    /// <summary>
    /// Reads a whole request body of at most <paramref name="limit"/> bytes into a pooled buffer (the caller disposes
    /// it); null when the body is larger.
    /// </summary>
    public static async Task<ArrayPoolBufferWriter<byte>?> ReadAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit) return null;
        var body = new ArrayPoolBufferWriter<byte>(request.ContentLength is { } length ? (int)length + 1 : 4096);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(body.GetMemory(1), request.HttpContext.RequestAborted)) > 0)
            {
                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    body.Dispose();
                    return null;
                }
            }
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }
}
