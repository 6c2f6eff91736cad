using Actors.Grains.Interfaces.Configuration;
using Actors.Grains.LoadBalancing;
using BenchmarkDotNet.Attributes;

namespace Actors.Benchmarks;

/// <summary>The cost of one pick for each algorithm, four targets, all eligible (goal: under 1 µs, no allocation).</summary>
[MemoryDiagnoser]
public class PickBenchmarks
{
    private static readonly TargetSpec[] Targets = Enumerable.Range(0, 4)
        .Select(i => new TargetSpec { Provider = "openai", ModelName = $"model-{i}", Weight = 100 + i * 50, Options = new ModelOptions { InputCost = 1, OutputCost = 2 } })
        .ToArray();

    private readonly bool[] _eligible = [true, true, true, true];
    private readonly string[] _keys = Enumerable.Range(0, 1024).Select(i => $"request-{i}").ToArray();
    private IBalancer _roundRobin = null!, _latency = null!, _usage = null!, _hashing = null!, _priority = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _roundRobin = new SmoothWeightedRoundRobin(Targets.Select(t => t.Weight).ToArray());
        _latency = new LowestLatency(Targets.Length, LatencyStrategies.TimePerOutputToken);
        _usage = new LowestUsage(Targets, TokensCountStrategies.Total);
        _hashing = new ConsistentHashing(Targets, 10_000);
        _priority = new Priority(Targets.Select(t => t.Weight).ToArray());
        for (var i = 0; i < Targets.Length; i++)
        {
            _latency.OnOutcome(i, new OutcomeSample(true, 100 + i, 10, 50, 0));
            _usage.OnOutcome(i, new OutcomeSample(true, 100, 10 * i, 50, 0));
        }
    }

    [Benchmark(Baseline = true)]
    public int RoundRobin() => _roundRobin.Pick(new PickContext(_eligible));

    [Benchmark]
    public int LowestLatency() => _latency.Pick(new PickContext(_eligible));

    [Benchmark]
    public int LowestUsage()
    {
        var pick = _usage.Pick(new PickContext(_eligible, null, 1_000));
        _usage.OnOutcome(pick, new OutcomeSample(true, 100, 10, 50, 1_000)); // keep in-flight counts steady
        return pick;
    }

    [Benchmark]
    public int ConsistentHashing() => _hashing.Pick(new PickContext(_eligible, _keys[_next++ & 1023]));

    [Benchmark]
    public int Priority() => _priority.Pick(new PickContext(_eligible));
}
