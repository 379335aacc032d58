using System.Diagnostics;

namespace Appliance.LoadGen.Measurement;

/// <summary>
/// Shared by all receivers of a run: whether the steady-state window is open (latencies are recorded only then) and
/// the generator's own delay (loopback echo) that is taken off every sample, so what remains is the SFU's.
/// </summary>
public sealed class MeasurementWindow
{
    private volatile bool _open;

    /// <summary>The generator's own one-way delay through sockets and threads, in stopwatch ticks.</summary>
    public long BaselineTicks { get; set; }

    /// <summary>Whether latency samples are being recorded.</summary>
    public bool IsOpen => _open;

    /// <summary>Starts recording.</summary>
    public void Open() => _open = true;

    /// <summary>Stops recording.</summary>
    public void Close() => _open = false;

    /// <summary>Microseconds in <paramref name="ticks"/> stopwatch ticks.</summary>
    public static long Microseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
