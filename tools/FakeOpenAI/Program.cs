using Actors.FakeOpenAI;

// dotnet run --project tools/FakeOpenAI -- --urls http://127.0.0.1:9001 [--Fake:Status 500] [--Fake:DelayMs 2000]
var server = FakeOpenAIServer.Create(args, record: false);
if (!args.Any(a => a.StartsWith("--urls", StringComparison.Ordinal))) server.App.Urls.Add("http://127.0.0.1:9001");
await server.App.RunAsync();
