using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Actors.Api.Telemetry;

/// <summary>
/// A monotonic counter kept as one cell per label set and exported through an observable counter. A request adds to
/// cells its target already holds (<see cref="TargetSeries"/>), so recording is an interlocked add instead of a
/// search for the label set per measurement, which profiling showed as most of the metrics' cost per request.
/// </summary>
public sealed class CounterCells
{
    private readonly ConcurrentDictionary<string, CounterCell> _cells = new(StringComparer.Ordinal);

    public CounterCells(Meter meter, string name, string description, bool fractional = false)
    {
        if (fractional) meter.CreateObservableCounter(name, ObserveFractional, description: description);
        else meter.CreateObservableCounter(name, ObserveWhole, description: description);
    }

    /// <summary>The cell of one label set, created on first use; cells live as long as the process (counters never go back).</summary>
    public CounterCell For(params KeyValuePair<string, object?>[] labels) =>
        _cells.GetOrAdd(string.Join('\u001f', labels.Select(l => l.Value)), static (_, l) => new CounterCell(l), labels);

    // A cell nothing was added to yet is not exported: a series appears with its first count, as with Counter<T>.
    private IEnumerable<Measurement<long>> ObserveWhole() =>
        _cells.Values.Where(c => c.Whole != 0).Select(c => new Measurement<long>(c.Whole, c.Labels));

    private IEnumerable<Measurement<double>> ObserveFractional() =>
        _cells.Values.Where(c => c.Fractional != 0).Select(c => new Measurement<double>(c.Fractional, c.Labels));
}

/// <summary>One series of a <see cref="CounterCells"/>: whole counts, or fractional amounts (cost).</summary>
public sealed class CounterCell(KeyValuePair<string, object?>[] labels)
{
    private long _whole;
    private double _fractional;

    public KeyValuePair<string, object?>[] Labels { get; } = labels;
    public long Whole => Interlocked.Read(ref _whole);
    public double Fractional => Volatile.Read(ref _fractional);

    public void Add(long amount) => Interlocked.Add(ref _whole, amount);

    public void Add(double amount)
    {
        double seen, next;
        do
        {
            seen = Volatile.Read(ref _fractional);
            next = seen + amount;
        } while (Interlocked.CompareExchange(ref _fractional, next, seen) != seen);
    }
}
