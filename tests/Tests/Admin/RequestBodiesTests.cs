using Actors.Api.Admin;
using Microsoft.AspNetCore.Http;

namespace Actors.Tests.Admin;

/// <summary>Reading a whole request body up to a limit, whether or not it declares its length, and whether the declaration is true.</summary>
public sealed class RequestBodiesTests
{
    private static HttpRequest Request(Stream body, long? declaredLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = declaredLength;
        return context.Request;
    }

    private static byte[] Bytes(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5000)]       // more than the first buffer of an undeclared body
    [InlineData(10_000)]     // exactly the limit
    public async Task A_body_up_to_the_limit_is_read_whole_with_or_without_a_declared_length(int size)
    {
        var bytes = Bytes(size);

        using var declared = await RequestBodies.ReadAsync(Request(new MemoryStream(bytes), size), limit: 10_000);
        using var undeclared = await RequestBodies.ReadAsync(Request(new MemoryStream(bytes), null), limit: 10_000);

        Assert.Equal(bytes, declared!.WrittenSpan.ToArray());
        Assert.Equal(bytes, undeclared!.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task A_body_one_byte_over_the_limit_is_refused_with_or_without_a_declared_length()
    {
        var bytes = Bytes(10_001);

        Assert.Null(await RequestBodies.ReadAsync(Request(new MemoryStream(bytes), bytes.Length), limit: 10_000));
        Assert.Null(await RequestBodies.ReadAsync(Request(new MemoryStream(bytes), null), limit: 10_000));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_refused_without_reading_the_body()
    {
        var body = new UnreadableStream();

        Assert.Null(await RequestBodies.ReadAsync(Request(body, 10_001), limit: 10_000));
    }

    [Fact]
    public async Task A_body_longer_than_it_declared_is_still_cut_at_the_limit()
    {
        var bytes = Bytes(50_000);

        Assert.Null(await RequestBodies.ReadAsync(Request(new MemoryStream(bytes), 10), limit: 10_000));
    }

    /// <summary>A body whose reading fails the test.</summary>
    private sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("the body was read");
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new InvalidOperationException("the body was read");
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new InvalidOperationException("the body was read");
    }
}
