using System.Diagnostics;

namespace Actors.Tests.Support;

/// <summary>Debian's Chromium, headless, as a test driver: the DOM after scripts ran, and screenshots.</summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>The page's DOM after its scripts ran for <paramref name="budgetMs"/> ms of virtual time.</summary>
    public static Task<string> DumpDomAsync(string url, int budgetMs = 3000) => RunAsync(url, ["--dump-dom", $"--virtual-time-budget={budgetMs}"]);

    public static Task ScreenshotAsync(string url, string path, int budgetMs = 3000) =>
        RunAsync(url, [$"--screenshot={path}", "--window-size=1200,700", $"--virtual-time-budget={budgetMs}"]);

    private static async Task<string> RunAsync(string url, IEnumerable<string> args)
    {
        if (!File.Exists(Executable)) throw new InvalidOperationException("chromium is not installed (bash .ci/run installs it: apt-get install chromium)");
        var profile = Directory.CreateTempSubdirectory("actors-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // The flags keep Chromium off the network: this machine has none beyond loopback.
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" })
                info.ArgumentList.Add(arg);
            foreach (var arg in args) info.ArgumentList.Add(arg);
            info.ArgumentList.Add(url);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish: " + await stderr);
            }
            await stderr;
            return await stdout;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
