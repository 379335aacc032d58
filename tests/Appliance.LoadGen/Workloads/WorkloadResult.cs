namespace Appliance.LoadGen.Workloads;

/// <summary>The figures of one measured window (one run, or one step of a ramp).</summary>
public sealed record WorkloadResult
{
    public required string Workload { get; init; }

    public required string Sfu { get; init; }

    public required string Profile { get; init; }

    /// <summary>Participants in the window (publishers and listeners).</summary>
    public required int Participants { get; init; }

    public required double WindowSeconds { get; init; }

    /// <summary>Stamped media packets the generator's receivers got per second (what the SFU forwarded and delivered).</summary>
    public required double ForwardedPacketsPerSecond { get; init; }

    /// <summary>Packets the generator sent per second.</summary>
    public required double SentPacketsPerSecond { get; init; }

    /// <summary>SFU process CPU (utime + stime) per wall second: 1.0 is one core.</summary>
    public required double SfuCores { get; init; }

    /// <summary>The generator's own CPU per wall second.</summary>
    public required double GeneratorCores { get; init; }

    public double MicrosecondsPerForwardedPacket => ForwardedPacketsPerSecond > 0 ? SfuCores * 1e6 / ForwardedPacketsPerSecond : double.NaN;

    public double ForwardedPacketsPerCpuSecond => SfuCores > 0 ? ForwardedPacketsPerSecond / SfuCores : double.NaN;

    /// <summary>1 − received / (sent × subscribers), over all expected streams, in %.</summary>
    public required double LossPercent { get; init; }

    /// <summary>The worst single stream's loss, in %.</summary>
    public required double WorstStreamLossPercent { get; init; }

    /// <summary>Expected streams with no packet at all in the window.</summary>
    public required int SilentStreams { get; init; }

    public required int ExpectedStreams { get; init; }

    /// <summary>Mean RFC 3550 interarrival jitter over streams, ms.</summary>
    public required double JitterMs { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public required double LatencyP999Ms { get; init; }

    public required long LatencySamples { get; init; }

    /// <summary>The generator's own echo delay taken off every sample, µs.</summary>
    public required double BaselineMicroseconds { get; init; }

    public required double JoinToFirstPacketP50Ms { get; init; }

    public required double JoinToFirstPacketMaxMs { get; init; }

    /// <summary>NACKs, PLIs and FIRs the SFU sent to the generator during the whole run.</summary>
    public required long Nacks { get; init; }

    public required long Plis { get; init; }

    public required long Firs { get; init; }

    public required long SfuRssBytes { get; init; }

    /// <summary>(RSS with everyone joined but no media − RSS before) / participants, KiB; NaN when not measured.</summary>
    public required double IdleParticipantKiB { get; init; }

    /// <summary>The same for the .NET heap as the last collection left it (the appliance only; NaN for Janus), KiB.</summary>
    public double IdleParticipantManagedHeapKiB { get; init; } = double.NaN;

    /// <summary>.NET GC pause time during the window, ms (the appliance only; NaN for Janus).</summary>
    public required double GcPauseMs { get; init; }

    /// <summary>Bytes the appliance's media receive thread allocated per forwarded packet in the window (NaN for Janus).</summary>
    public required double AllocatedBytesPerPacket { get; init; }

    /// <summary>Bytes the whole appliance process allocated per forwarded packet in the window (signalling, HTTP and timers too).</summary>
    public required double ProcessAllocatedBytesPerPacket { get; init; }

    /// <summary>RTP packets the appliance says it sent per second (its /metrics; NaN for Janus).</summary>
    public required double SfuReportedSentPerSecond { get; init; }

    /// <summary>The SRTP profile the DTLS handshakes negotiated (all endpoints agreed, else "mixed").</summary>
    public required string NegotiatedProfile { get; init; }

    /// <summary>Intervals the generator's pump skipped because it was late (an overloaded generator).</summary>
    public required long PumpSkips { get; init; }

    /// <summary>Whether this window is past the knee: loss &gt; 0.5 %, p99 &gt; 10 ms or SFU core &gt; 85 %.</summary>
    public bool PastKnee => LossPercent > 0.5 || LatencyP99Ms > 10 || SfuCores > 0.85;
}
