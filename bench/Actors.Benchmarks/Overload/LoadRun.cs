using System.Diagnostics;
using System.Globalization;
using Actors.Benchmarks.Support;

namespace Actors.Benchmarks.Overload;

/// <summary>What each request of an open-loop run came to: its status (or none) and its latency from its scheduled time.</summary>
public sealed class LoadRun(int count)
{
    public const int NoAnswer = 0;
    private readonly int[] _status = new int[count];
    private readonly double[] _latencyMs = new double[count];
    private readonly bool[] _retryAfter = new bool[count];

    public int Count => count;

    public void Record(int index, int status, long scheduled, bool retryAfter)
    {
        _retryAfter[index] = retryAfter;
        _status[index] = status;
        _latencyMs[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
    }

    /// <summary>One markdown row: label | offered/s | answered/s | 2xx | 429 | 503 | other 5xx | no answer | p50 | p99 | max.</summary>
    public void Print(string label, double rate, TimeSpan took)
    {
        int Where(Func<int, bool> test) => _status.Count(test);
        var answered = new Percentiles(Enumerable.Range(0, count).Where(i => _status[i] > 0).Select(i => _latencyMs[i]));
        var otherStatus = _status.Where(s => s is >= 300 and not 429 and not 503).GroupBy(s => s).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}×{g.Count()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {rate:F0} | {answered.Count / took.TotalSeconds:F0} | {Where(s => s is >= 200 and < 300)} | {Where(s => s == 429)} | {Where(s => s == 503)} "
            + $"| {Where(s => s >= 500 && s != 503)} | {Where(s => s == NoAnswer)} | {answered.At(0.5):F1} ms | {answered.At(0.99):F1} ms | {answered.Max:F0} ms |"));
        var withRetryAfter = Enumerable.Range(0, count).Count(i => _status[i] is 429 or 503 && _retryAfter[i]);
        Console.WriteLine($"  other statuses: {string.Join(", ", otherStatus.DefaultIfEmpty("none"))}; 429/503 with Retry-After: {withRetryAfter}");
    }
}
