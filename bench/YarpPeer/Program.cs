using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

// dotnet Actors.YarpPeer.dll --urls http://127.0.0.1:PORT --Upstreams http://127.0.0.1:A,http://127.0.0.1:B
// A plain YARP round-robin proxy: every path forwarded as it is, no body parsing. Logging as in appsettings.json.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var upstreams = (builder.Configuration["Upstreams"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (upstreams.Length == 0)
{
    Console.Error.WriteLine("Cannot start: --Upstreams http://host:port[,http://host:port...] is required");
    return 2;
}

var route = new RouteConfig { RouteId = "all", ClusterId = "upstreams", Match = new RouteMatch { Path = "{**catch-all}" } };
var cluster = new ClusterConfig
{
    ClusterId = "upstreams",
    LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
    Destinations = upstreams.Select((url, i) => (Key: $"u{i}", Value: new DestinationConfig { Address = url }))
        .ToDictionary(d => d.Key, d => d.Value),
};
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
return 0;
