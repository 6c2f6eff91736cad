using Actors.Grains.Hosting;
using Actors.Silo;

// A plain silo. It joins the cluster named by the Cluster section (Redis when Cluster:Redis is set) and serves
// /healthz on its own HTTP listener (--urls) for process supervisors.
SocketCompletions.PreferInline();
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.UseActorsSilo(builder.Configuration).RecoverQuicklyFromRestarts());

var app = builder.Build();
app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
app.Run();
