namespace Actors.FakeOpenAI;

/// <summary>Failure switches; settable at start (<c>--Fake:Status 500</c>) or at run time (<c>POST /__control</c>).</summary>
public sealed class FakeBehavior
{
    /// <summary>Status to answer with; 200 answers a canned completion, anything else an OpenAI-shaped error.</summary>
    public int Status { get; set; } = 200;
    /// <summary>Delay before the response headers are sent.</summary>
    public int DelayMs { get; set; }
    /// <summary>Close the connection without answering.</summary>
    public bool Drop { get; set; }
    /// <summary>Delay between streamed events.</summary>
    public int StreamChunkDelayMs { get; set; } = 5;
    /// <summary>Stop a stream half-way by aborting the connection (no [DONE]).</summary>
    public bool CutStream { get; set; }
    /// <summary>When above 0: answer a completion of about this many bytes, written in 64 KiB pieces (<see cref="HugeCompletion"/>).</summary>
    public int ResponseBytes { get; set; }
}
