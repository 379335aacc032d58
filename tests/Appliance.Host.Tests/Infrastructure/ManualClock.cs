namespace Appliance.Host.Tests.Infrastructure;

/// <summary>A clock the test moves, for services built by the test beside a running appliance (its own clock is the system's).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    /// <summary>Sets the clock to <paramref name="moment"/>.</summary>
    public void Set(DateTimeOffset moment) => _now = moment;
}
