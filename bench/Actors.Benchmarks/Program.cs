using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Actors.Benchmarks -- --filter '*' [--job short]   (pick cost per algorithm)
// dotnet run -c Release --project bench/Actors.Benchmarks -- grain-picks [seconds] [callers] (picks/s through one grain)
// ... -- stream-upstream --port P [--events 20] [--interval-ms 100]        (a slow streaming provider)
// ... -- streams --gateway URL --direct URL [--count 2000] [--pid PID]      (many concurrent streams)
// ... -- overload --url URL --rate R [--seconds 10] [--label L]             (open-loop load at a fixed rate)
Actors.Grains.Hosting.SocketCompletions.PreferInline(); // as the API and silo hosts do
var command = args.Length > 0 ? args[0] : "";
return command switch
{
    "grain-picks" => await Actors.Benchmarks.GrainPickThroughput.RunAsync(args[1..]),
    "stream-upstream" => await Actors.Benchmarks.Streams.SlowStreamUpstream.RunAsync(args[1..]),
    "streams" => await Actors.Benchmarks.Streams.ManyStreams.RunAsync(args[1..]),
    "overload" => await Actors.Benchmarks.Overload.OpenLoopLoad.RunAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Actors.Benchmarks.PickBenchmarks).Assembly).Run(args);
    return 0;
}
