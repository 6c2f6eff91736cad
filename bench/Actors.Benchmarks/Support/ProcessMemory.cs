namespace Actors.Benchmarks.Support;

/// <summary>Resident memory of another process, read from <c>/proc/PID/status</c> (Linux).</summary>
public static class ProcessMemory
{
    public static long ResidentKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    /// <summary>Samples the resident set every <paramref name="every"/> until cancelled; returns the largest seen.</summary>
    public static async Task<long> PeakWhileAsync(int pid, TimeSpan every, CancellationToken stop)
    {
        var peak = ResidentKiB(pid);
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) peak = Math.Max(peak, ResidentKiB(pid));
        }
        catch (OperationCanceledException) { }
        return Math.Max(peak, ResidentKiB(pid));
    }
}
