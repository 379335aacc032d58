namespace Appliance.Media.Tests;

/// <summary>A monotonic clock that counts milliseconds and stands still until a test moves it.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _now;

    public ManualClock(long startMilliseconds = 1_000_000) => _now = startMilliseconds;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => _now;

    /// <summary>The timestamp <paramref name="seconds"/> after the clock's current time, without moving it.</summary>
    public long After(double seconds) => _now + (long)(seconds * 1000);

    public void Advance(TimeSpan by) => _now += (long)by.TotalMilliseconds;
}
