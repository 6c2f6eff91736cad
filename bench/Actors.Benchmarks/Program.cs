using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Actors.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Actors.Benchmarks.PickBenchmarks).Assembly).Run(args);
