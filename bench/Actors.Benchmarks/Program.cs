using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Actors.Benchmarks -- --filter '*' [--job short]   (pick cost per algorithm)
// dotnet run -c Release --project bench/Actors.Benchmarks -- grain-picks [seconds] [callers] (picks/s through one grain)
Actors.Grains.Hosting.SocketCompletions.PreferInline(); // as the API and silo hosts do
if (args.Length > 0 && args[0] == "grain-picks") return await Actors.Benchmarks.GrainPickThroughput.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Actors.Benchmarks.PickBenchmarks).Assembly).Run(args);
return 0;
