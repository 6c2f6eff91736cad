using Actors.Api.Cluster;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Actors.Tests.Cluster;

/// <summary>
/// Retries of grain calls on a fake clock: the backoff and the deadline are read from the policy's clock, so the test
/// moves time and nothing sleeps. Each test runs off xunit's synchronization context: a timer that
/// <see cref="FakeTimeProvider.Advance"/> fires resumes the retry loop before <c>Advance</c> returns.
/// </summary>
public sealed class ClusterCallsTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<TimeSpan> _attempts = [];
    private long _started;

    private static Task Unbound(Func<Task> test) => Task.Run(test);

    /// <summary>A call that fails with <paramref name="error"/> for its first <paramref name="failures"/> attempts, then answers 42.</summary>
    private Func<Task<int>> Failing(int failures, Func<Exception>? error = null) => () =>
    {
        _attempts.Add(_clock.GetElapsedTime(_started));
        return _attempts.Count <= failures
            ? Task.FromException<int>((error ?? (() => new SiloUnavailableException()))())
            : Task.FromResult(42);
    };

    private Task<int> Retry(Func<Task<int>> call, TimeSpan deadline, RetryPolicy? policy = null, CancellationToken cancellationToken = default)
    {
        _started = _clock.GetTimestamp();
        return ClusterCalls.WithRetryAsync(call, deadline, (policy ?? new RetryPolicy()) with { Time = _clock }, cancellationToken);
    }

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public Task Transient_failures_are_retried_after_a_backoff_that_doubles_up_to_250_ms() => Unbound(async () =>
    {
        var call = Retry(Failing(6), TimeSpan.FromSeconds(10));

        foreach (var backoff in new[] { 20, 40, 80, 160, 250, 250 })
        {
            var before = _attempts.Count;
            _clock.Advance(Ms(backoff - 1));
            Assert.Equal(before, _attempts.Count);     // not before its backoff
            _clock.Advance(Ms(1));
            Assert.Equal(before + 1, _attempts.Count);
        }
        Assert.Equal(42, await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([0, 20, 60, 140, 300, 550, 800], _attempts.Select(a => a.TotalMilliseconds));
    });

    [Fact]
    public Task The_retries_end_when_the_next_backoff_would_pass_the_deadline() => Unbound(async () =>
    {
        var call = Retry(Failing(int.MaxValue), Ms(300));

        _clock.Advance(Ms(20));
        _clock.Advance(Ms(40));
        Assert.False(call.IsCompleted);
        _clock.Advance(Ms(80));                        // the fourth attempt at 140 ms fails; 140 + 160 reaches 300

        Assert.True(call.IsCompleted, "gave up at the fourth attempt, without waiting out the clock");
        await Assert.ThrowsAsync<SiloUnavailableException>(() => call);
        Assert.Equal([0, 20, 60, 140], _attempts.Select(a => a.TotalMilliseconds));
    });

    [Fact]
    public Task A_bounded_attempt_still_running_at_the_deadline_is_abandoned() => Unbound(async () =>
    {
        var never = new TaskCompletionSource<int>();
        var failed = new List<Exception>();
        var call = Retry(() => never.Task, TimeSpan.FromSeconds(1), new RetryPolicy { BoundEachAttempt = true, OnAttemptFailed = failed.Add });

        _clock.Advance(Ms(999));
        Assert.False(call.IsCompleted);
        _clock.Advance(Ms(1));

        Assert.True(call.IsCompleted);
        await Assert.ThrowsAsync<TimeoutException>(() => call);
        Assert.IsType<TimeoutException>(Assert.Single(failed));
    });

    [Fact]
    public Task An_unbounded_attempt_runs_to_its_own_end_past_the_deadline() => Unbound(async () =>
    {
        var answer = new TaskCompletionSource<int>();
        var call = Retry(() => answer.Task, TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(call.IsCompleted);
        answer.SetResult(7);

        Assert.Equal(7, await call.WaitAsync(TimeSpan.FromSeconds(10)));
    });

    [Fact]
    public Task Stop_retrying_ends_the_retries_at_once_and_each_failure_is_told() => Unbound(async () =>
    {
        var failed = new List<Exception>();
        var stop = false;
        var call = Retry(Failing(int.MaxValue), TimeSpan.FromSeconds(10),
            new RetryPolicy { OnAttemptFailed = failed.Add, StopRetrying = () => stop });

        _clock.Advance(Ms(20));
        stop = true;
        _clock.Advance(Ms(40));                        // the third attempt fails and is the last

        await Assert.ThrowsAsync<SiloUnavailableException>(() => call);
        Assert.Equal(3, _attempts.Count);
        Assert.Equal(3, failed.Count);
    });

    [Fact]
    public Task A_failure_that_is_not_transient_is_not_retried() => Unbound(async () =>
    {
        var call = Retry(Failing(1, () => new InvalidOperationException("a bug")), TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<InvalidOperationException>(() => call);
        Assert.Single(_attempts);
    });

    [Fact]
    public Task Cancelling_during_a_backoff_ends_the_retries() => Unbound(async () =>
    {
        using var cancel = new CancellationTokenSource();
        var call = Retry(Failing(int.MaxValue), TimeSpan.FromSeconds(10), cancellationToken: cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_attempts);
    });
}
