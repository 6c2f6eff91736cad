using System.Diagnostics.Metrics;

namespace Actors.Tests.Telemetry;

/// <summary>One measurement as a listener saw it.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyList<KeyValuePair<string, object?>> Labels)
{
    public object? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;
}

/// <summary>
/// Listens to the instruments of one <see cref="Meter"/> instance only (other tests create meters of the same
/// name at the same time) and collects what they record, and what the observable ones report when asked.
/// </summary>
public sealed class MetricsCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measured> _recorded = [];

    public MetricsCapture(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measured = new Measured(instrument.Name, value, tags.ToArray());
        lock (_recorded) _recorded.Add(measured);
    }

    /// <summary>What the instruments recorded so far, with what the observable ones report now; the record starts over.</summary>
    public IReadOnlyList<Measured> Collect(string? instrument = null)
    {
        _listener.RecordObservableInstruments();
        lock (_recorded)
        {
            var all = _recorded.ToArray();
            _recorded.Clear();
            return instrument is null ? all : all.Where(m => m.Instrument == instrument).ToArray();
        }
    }

    public void Dispose() => _listener.Dispose();
}
