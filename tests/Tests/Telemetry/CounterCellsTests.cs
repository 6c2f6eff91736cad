using System.Diagnostics.Metrics;
using Actors.Api.Telemetry;

namespace Actors.Tests.Telemetry;

/// <summary>Counters kept as one cell per label set: which adds share a cell, and what an observation exports.</summary>
public sealed class CounterCellsTests : IDisposable
{
    private readonly Meter _meter = new("Actors.Tests.CounterCells");

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> L(string key, object? value) => new(key, value);

    [Fact]
    public void The_same_label_values_get_the_same_cell_and_other_values_another()
    {
        var cells = new CounterCells(_meter, "c", "test");

        var a = cells.For(L("route", "r1"), L("status", 200));
        var again = cells.For(L("route", "r1"), L("status", 200));
        var other = cells.For(L("route", "r1"), L("status", 500));
        // values are joined with a separator that no label holds, so shifting text between labels is another set
        var shifted = cells.For(L("route", "r12"), L("status", 0));
        var shiftedBack = cells.For(L("route", "r1"), L("status", 20));

        Assert.Same(a, again);
        Assert.NotSame(a, other);
        Assert.NotSame(shifted, shiftedBack);
        Assert.Equal([L("route", "r1"), L("status", 200)], a.Labels);
    }

    [Fact]
    public void A_cell_is_exported_only_once_something_was_added_and_then_as_its_running_total()
    {
        var cells = new CounterCells(_meter, "actors_whole", "test");
        using var capture = new MetricsCapture(_meter);
        var counted = cells.For(L("route", "a"));
        cells.For(L("route", "never"));

        Assert.Empty(capture.Collect("actors_whole"));

        counted.Add(3);
        counted.Add(4);
        var first = capture.Collect("actors_whole");
        var second = capture.Collect("actors_whole");

        Assert.Equal(7, Assert.Single(first).Value);
        Assert.Equal("a", first[0].Label("route"));
        Assert.Equal(7, Assert.Single(second).Value); // a total, not what was added since the last observation
    }

    [Fact]
    public void A_fractional_counter_exports_its_amounts_and_a_whole_one_its_counts()
    {
        var cost = new CounterCells(_meter, "actors_fractional", "test", fractional: true);
        var requests = new CounterCells(_meter, "actors_counts", "test");
        using var capture = new MetricsCapture(_meter);

        cost.For(L("ai_model", "m")).Add(0.25);
        cost.For(L("ai_model", "m")).Add(0.125);
        requests.For(L("ai_model", "m")).Add(2);
        // a fractional counter ignores whole adds in what it exports, and a whole one fractional adds
        cost.For(L("ai_model", "whole-only")).Add(5);
        requests.For(L("ai_model", "fraction-only")).Add(0.5);

        var measured = capture.Collect();
        Assert.Equal(0.375, Assert.Single(measured, m => m.Instrument == "actors_fractional").Value);
        Assert.Equal(2, Assert.Single(measured, m => m.Instrument == "actors_counts").Value);
    }

    [Fact]
    public async Task Concurrent_adds_to_one_cell_are_all_counted()
    {
        var cell = new CounterCells(_meter, "actors_concurrent", "test", fractional: true).For(L("route", "busy"));
        const int workers = 4, adds = 50_000;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < adds; i++)
            {
                cell.Add(1L);
                cell.Add(0.5);
            }
        })));

        Assert.Equal(workers * adds, cell.Whole);
        Assert.Equal(workers * adds * 0.5, cell.Fractional);
    }
}
