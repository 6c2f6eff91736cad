namespace Actors.Benchmarks.Support;

/// <summary>Percentiles of a set of durations in milliseconds.</summary>
public sealed class Percentiles
{
    private readonly double[] _sorted;

    public Percentiles(IEnumerable<double> millis)
    {
        _sorted = [.. millis];
        Array.Sort(_sorted);
    }

    public int Count => _sorted.Length;

    /// <summary>The value at quantile <paramref name="q"/> (0..1), nearest rank; NaN when there are no values.</summary>
    public double At(double q) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(q * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];
}
