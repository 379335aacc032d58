namespace Appliance.Media.Sfu;

/// <summary>
/// Maps the router's monotonic ticks to 64-bit NTP wall-clock time (RFC 3550 §4: seconds since 1900 in the
/// high 32 bits, the fraction in the low 32), for the sender reports the router generates.
/// </summary>
/// <remarks>
/// Taken once at start from a <see cref="TimeProvider"/> and then advanced with the monotonic ticks only, so a
/// step of the wall clock never makes the RTCP clock jump.
/// </remarks>
/// <param name="TicksPerSecond">The frequency of the ticks passed to the router (e.g. <see cref="TimeProvider.TimestampFrequency"/>).</param>
/// <param name="ReferenceTicks">A tick value at which the wall-clock time was <paramref name="ReferenceNtp"/>.</param>
/// <param name="ReferenceNtp">The NTP time at <paramref name="ReferenceTicks"/>.</param>
public readonly record struct NtpClock(long TicksPerSecond, long ReferenceTicks, ulong ReferenceNtp)
{
    // Seconds from 1900-01-01 (the NTP era 0 epoch) to 1970-01-01.
    private const long NtpToUnixSeconds = 2_208_988_800;

    /// <summary>The mapping at this moment of <paramref name="time"/>: its monotonic timestamp and its UTC clock.</summary>
    public static NtpClock FromTimeProvider(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var ticks = time.GetTimestamp();
        return new NtpClock(time.TimestampFrequency, ticks, ToNtp(time.GetUtcNow()));
    }

    /// <summary>The NTP timestamp of a UTC instant.</summary>
    public static ulong ToNtp(DateTimeOffset utc)
    {
        var sinceUnix = utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(sinceUnix, TimeSpan.TicksPerSecond, out var remainder);
        var fraction = (ulong)(((UInt128)(ulong)remainder << 32) / TimeSpan.TicksPerSecond);
        return ((ulong)(seconds + NtpToUnixSeconds) << 32) | fraction;
    }

    /// <summary>The NTP timestamp at <paramref name="ticks"/>.</summary>
    public ulong ToNtp(long ticks)
    {
        // 2^32 units of the NTP fraction per second; Int128 keeps days of nanosecond ticks from overflowing.
        var delta = (Int128)(ticks - ReferenceTicks) * (1L << 32) / TicksPerSecond;
        return unchecked(ReferenceNtp + (ulong)(long)delta);
    }
}
