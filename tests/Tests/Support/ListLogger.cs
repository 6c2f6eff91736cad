using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Support;

/// <summary>A logger that keeps what it is told, formatted, for tests that check a message.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Logged)> _awaited = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    public IReadOnlyList<string> Messages(LogLevel level) => [.. _entries.Where(e => e.Level == level).Select(e => e.Message)];

    /// <summary>Completes once a message that <paramref name="match"/> accepts has been logged (or already was).</summary>
    public async Task LoggedAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_awaited) _awaited.Add((match, logged));
        if (_entries.Any(e => match(e.Message))) logged.TrySetResult();
        await logged.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        _entries.Enqueue((logLevel, message));
        lock (_awaited)
            foreach (var (match, logged) in _awaited)
                if (match(message)) logged.TrySetResult();
    }
}
