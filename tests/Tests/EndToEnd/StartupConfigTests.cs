using System.Net;
using System.Net.Sockets;
using Actors.Grains.Hosting;
using Actors.Tests.Support;
using Xunit.Abstractions;

namespace Actors.Tests.EndToEnd;

[Collection(ProcessCollection.Name)]
public sealed class StartupConfigTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_config_file_given_at_start_is_served_without_a_post()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"actors-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, SeedFiles.SeedYamlWithUpstreams(fake.ChatUrl, fake.ChatUrl));
        try
        {
            await using var node = await GatewayNode.StartAsync(["--Gateway:Config", file]);
            output.WriteLine(node.Process.Output);

            using var response = await node.ChatAsync("/route1");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, fake.RequestCount);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_node_warms_its_request_path_before_listening_without_touching_the_real_routes()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"actors-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, SeedFiles.SeedYamlWithUpstreams(fake.ChatUrl, fake.ChatUrl));
        try
        {
            await using var node = await GatewayNode.StartAsync(["--Gateway:Config", file, "--Gateway:WarmUpRequests", "50"]);
            output.WriteLine(node.Process.Output);

            using var response = await node.ChatAsync("/route1");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Matches(@"Warmed the request path: (\d+) of \1 requests answered 200|Warming the request path took over", node.Process.Output);
            Assert.Equal(1, fake.RequestCount);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_invalid_config_file_stops_the_node_with_the_problems()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actors-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, SeedFiles.SeedYaml.Replace("provider: openai", "provider: skynet"));
        try
        {
            var args = new[]
            {
                "--urls", $"http://127.0.0.1:{FreePorts.Next()}", "--Admin:Urls", $"http://127.0.0.1:{FreePorts.Next()}",
                "--Cluster:SiloPort", FreePorts.Next().ToString(), "--Cluster:GatewayPort", FreePorts.Next().ToString(),
                "--Gateway:Config", file,
            };
            await using var process = ManagedProcess.Start("api", "Api", args, new Dictionary<string, string> { ["DECK_OPENAI_API_KEY"] = "k" });

            var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(HostRunner.FailedExitCode, exitCode);   // not an unhandled exception's abort (134)
            Assert.Contains("Cannot start: Config file", process.Output);
            Assert.Contains("provider 'skynet' is not supported", process.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_listener_port_already_in_use_stops_the_node_with_one_line_naming_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var args = new[]
        {
            "--urls", $"http://127.0.0.1:{port}", "--Admin:Urls", $"http://127.0.0.1:{FreePorts.Next()}",
            "--Cluster:SiloPort", FreePorts.Next().ToString(), "--Cluster:GatewayPort", FreePorts.Next().ToString(),
        };
        await using var process = ManagedProcess.Start("api", "Api", args);

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HostRunner.FailedExitCode, exitCode);
        Assert.Contains($"Cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.", process.Output);
    }

    [Fact]
    public async Task Bad_listener_settings_refuse_to_start_with_a_clear_message()
    {
        await using var process = ManagedProcess.Start("api", "Api", ["--Admin:Urls", "http://127.0.0.1"]);

        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exitCode);
        Assert.Contains("Admin:Urls entry 'http://127.0.0.1' must be an http(s) URL with an explicit port", process.Output);
    }
}
