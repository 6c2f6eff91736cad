using System.Diagnostics;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Actors.Tests.Support;

/// <summary>A real redis-server on a free loopback port, in a temporary folder, stopped by Dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process _process;
    private readonly string _directory;

    private RedisServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var port = FreePorts.Next();
        var directory = Directory.CreateTempSubdirectory("actors-redis-").FullName;
        var server = new RedisServer(StartProcess(port, directory), port, directory);
        try
        {
            await server.WaitUntilListeningAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a stalled Redis.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    /// <summary>kill -9 and a fresh start on the same port with no data, as a Redis without persistence restarts.</summary>
    public async Task RestartEmptyAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = StartProcess(Port, _directory);
        await WaitUntilListeningAsync();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    private static Process StartProcess(int port, string directory)
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed (bash .ci/run installs it: apt-get install redis-server)", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException("redis-server did not start");
    }

    /// <summary>Every key and value in the server, for tests that search it (e.g. for leaked secrets).</summary>
    public async Task<string> DumpAsync()
    {
        var text = new System.Text.StringBuilder();
        await VisitKeysAsync(async (db, key) =>
        {
            text.AppendLine(key.ToString());
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String: text.AppendLine(await db.StringGetAsync(key)); break;
                case RedisType.Hash:
                    foreach (var entry in await db.HashGetAllAsync(key)) text.AppendLine($"{entry.Name}={entry.Value}");
                    break;
            }
            return true;
        });
        return text.ToString();
    }

    /// <summary>The stored value of the grain state whose key contains <paramref name="keyPart"/> (Orleans keeps it in the hash field "data"); "" when none.</summary>
    public async Task<string> StoredStateAsync(string keyPart)
    {
        var data = "";
        await VisitKeysAsync(async (db, key) =>
        {
            if (!key.ToString().Contains(keyPart)) return true;
            data = (await db.HashGetAsync(key, "data")).ToString();
            return false;
        });
        return data;
    }

    /// <summary>Replaces the stored value of every grain state whose key contains <paramref name="keyPart"/>.</summary>
    public Task OverwriteStoredStateAsync(string keyPart, string data) => VisitKeysAsync(async (db, key) =>
    {
        if (key.ToString().Contains(keyPart)) await db.HashSetAsync(key, "data", data);
        return true;
    });

    /// <summary>Calls <paramref name="visit"/> for every key until it returns false.</summary>
    private async Task VisitKeysAsync(Func<IDatabase, RedisKey, Task<bool>> visit)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        var server = redis.GetServer(ConnectionString);
        var db = redis.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: "*"))
            if (!await visit(db, key)) return;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) Signal("CONT");
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
        }
        finally
        {
            _process.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }
}
