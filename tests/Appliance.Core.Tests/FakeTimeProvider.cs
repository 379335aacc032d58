namespace Appliance.Core.Tests;

/// <summary>A clock that stands still until a test moves it.</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    public FakeTimeProvider(DateTimeOffset start) => _now = start.ToUniversalTime();

    /// <summary>A fixed, ordinary working-day morning.</summary>
    public static DateTimeOffset DefaultStart { get; } = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider()
        : this(DefaultStart)
    {
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _now += by;
    }
}
