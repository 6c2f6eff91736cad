using System.Diagnostics;
using System.Globalization;
using Actors.Benchmarks.Support;

namespace Actors.Benchmarks.Overload;

/// <summary>
/// Open-loop load (what wrk2 does): requests are sent on a fixed schedule of <c>--rate</c> per second whether or
/// not earlier ones were answered, so a server that falls behind builds a queue instead of slowing the client down.
/// Latency is counted from each request's scheduled send time, which keeps a stalled server from hiding its queue.
/// Prints one table row: the rate offered and reached, how many answers had which status, latency percentiles.
/// </summary>
public static class OpenLoopLoad
{
    private const int NoAnswer = 0;
    private const int NotSent = -1;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var url = options.Text("url");
        var rate = options.Double("rate", 1000);
        var seconds = options.Int("seconds", 10);
        var cap = options.Int("max-inflight", 8000);
        using var client = LoadClient.Create(TimeSpan.FromSeconds(options.Int("timeout-s", 10)));

        var run = new Run((int)(rate * seconds));
        var started = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>(run.Count);
        for (var next = 0; next < run.Count;)
        {
            var due = Math.Min(run.Count, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            for (; next < due; next++)
            {
                var scheduled = started + (long)(next * Stopwatch.Frequency / rate);
                if (run.InFlight >= cap) run.Record(next, NotSent, scheduled, retryAfter: false);
                else inFlight.Add(run.SendAsync(client, url, next, scheduled));
            }
            await Task.Delay(1);
        }
        var sending = Stopwatch.GetElapsedTime(started);
        await Task.WhenAll(inFlight);
        run.Print(options.Text("label", url), rate, sending, inFlight.Count);
        return 0;
    }

    private sealed class Run(int count)
    {
        private readonly int[] _status = new int[count];
        private readonly double[] _latencyMs = new double[count];
        private readonly bool[] _retryAfter = new bool[count];
        private int _inFlight;

        public int Count => count;
        public int InFlight => Volatile.Read(ref _inFlight);

        public async Task SendAsync(HttpClient client, string url, int index, long scheduled)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                using var request = LoadClient.Post(url, LoadClient.ChatBody);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                Record(index, (int)response.StatusCode, scheduled, response.Headers.RetryAfter is not null);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                Record(index, NoAnswer, scheduled, retryAfter: false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public void Record(int index, int status, long scheduled, bool retryAfter)
        {
            _status[index] = status;
            _latencyMs[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
            _retryAfter[index] = retryAfter;
        }

        public void Print(string label, double rate, TimeSpan sending, int sent)
        {
            int Where(Func<int, bool> test) => _status.Count(test);
            var answered = new Percentiles(Enumerable.Range(0, count).Where(i => _status[i] > 0).Select(i => _latencyMs[i]));
            var otherStatus = _status.Where(s => s is >= 300 and not 429 and not 503).GroupBy(s => s).OrderBy(g => g.Key)
                .Select(g => $"{g.Key}×{g.Count()}");
            var withRetryAfter = Enumerable.Range(0, count).Count(i => _status[i] is 429 or 503 && _retryAfter[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {rate:F0} | {sent / sending.TotalSeconds:F0} | {Where(s => s is >= 200 and < 300)} | {Where(s => s == 429)} | {Where(s => s == 503)} "
                + $"| {Where(s => s >= 500 && s != 503)} | {Where(s => s == NoAnswer)} | {Where(s => s == NotSent)} "
                + $"| {answered.At(0.5):F1} ms | {answered.At(0.99):F1} ms | {answered.Max:F0} ms |"));
            Console.WriteLine($"  other statuses: {string.Join(", ", otherStatus.DefaultIfEmpty("none"))}; 429/503 with Retry-After: {withRetryAfter}");
        }
    }
}
