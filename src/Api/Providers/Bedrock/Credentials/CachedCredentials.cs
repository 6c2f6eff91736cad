namespace Actors.Api.Providers.Bedrock.Credentials;

/// <summary>
/// A source's credentials kept for reuse. Temporary credentials are fetched again <see cref="RefreshBefore"/> their
/// <c>Expiration</c> (or half their lifetime, when shorter); credentials without one are read again every
/// <see cref="Recheck"/> (a rotated profile file, a changed variable). One fetch at a time: while one runs, callers
/// that still have valid credentials get them without waiting, and only callers with none wait. A failed refresh keeps
/// serving the current credentials until they lapse, trying again after <see cref="RetryAfter"/>. All on the injected clock.
/// </summary>
public sealed class CachedCredentials(IAwsCredentialSource source, TimeProvider time)
{
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Recheck = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private sealed record Entry(AwsCredentials? Credentials, DateTimeOffset RefreshAt);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Entry? _entry;
    private (DateTimeOffset Until, AwsCredentialsException Error)? _failure;
    private int _fetches;

    /// <summary>How many times the source was asked (tests: refreshes happen when due, and only then).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>Valid credentials, fetched when none are kept or they are due for refresh; null when the source has none.</summary>
    /// <exception cref="AwsCredentialsException">Nothing valid is kept and the source failed.</exception>
    public async ValueTask<AwsCredentials?> GetAsync(CancellationToken cancellationToken = default)
    {
        var entry = _entry;
        var now = time.GetUtcNow();
        if (entry is not null && now < entry.RefreshAt) return entry.Credentials;
        var usable = entry?.Credentials is { } current && Valid(current, now);
        if (usable)
        {
            if (!_gate.Wait(0)) return entry!.Credentials;   // another caller is refreshing them
        }
        else await _gate.WaitAsync(cancellationToken);
        try
        {
            entry = _entry;
            now = time.GetUtcNow();
            if (entry is not null && now < entry.RefreshAt) return entry.Credentials;
            if (_failure is { } failed && now < failed.Until && !usable) throw failed.Error;
            try
            {
                Interlocked.Increment(ref _fetches);
                var fresh = await source.FetchAsync(cancellationToken);
                _failure = null;
                _entry = new Entry(fresh, RefreshAt(fresh, now));
                return fresh;
            }
            catch (AwsCredentialsException error)
            {
                _failure = (now + RetryAfter, error);
                if (!usable || entry?.Credentials is null) throw;
                // Keep the current ones until they lapse; try again a little later.
                var keep = entry.Credentials;
                _entry = entry with { RefreshAt = Min(now + RetryAfter, keep.Expiration ?? DateTimeOffset.MaxValue) };
                return keep;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The synchronous form for the signing seam: returns at once when valid credentials are kept.</summary>
    public AwsCredentials? Get()
    {
        var pending = GetAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private static bool Valid(AwsCredentials credentials, DateTimeOffset now) => credentials.Expiration is not { } expiration || now < expiration;

    private static DateTimeOffset RefreshAt(AwsCredentials? credentials, DateTimeOffset now)
    {
        if (credentials?.Expiration is not { } expiration) return now + Recheck;
        var lifetime = expiration - now;
        var early = lifetime / 2 < RefreshBefore ? lifetime / 2 : RefreshBefore;
        return expiration - (early > TimeSpan.Zero ? early : TimeSpan.Zero);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    public override string ToString() => _entry?.Credentials?.ToString() ?? "no AWS credentials yet";
}
