using Actors.Grains.Hosting;

// A plain silo. It joins the cluster named by the Cluster section (Redis when Cluster:Redis is set) and serves
// /healthz on its own HTTP listener (--urls) for process supervisors.
SocketCompletions.PreferInline();
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.UseActorsSilo(builder.Configuration));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
return HostRunner.Run(app);
