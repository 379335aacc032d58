using System.Globalization;
using System.Text;
using Appliance.Crypto.Srtp;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen.Report;

/// <summary>
/// RESULTS.md from the measured windows: per SRTP profile, W1 and W2 as medians of their runs (appliance, Janus, and
/// the ratio appliance ÷ Janus), the W3 and W4 ramps step by step with the knee of each SFU, then where the appliance
/// stands against each target of the issue.
/// </summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The report; <paramref name="notes"/> (the hand-written closing note, notes.md) is appended as it is.</summary>
    public static string Render(BenchmarkResults results, string? notes = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');
        var o = results.Options;

        Line("# Load benchmark: the appliance against Janus");
        Line();
        Line(string.Create(Invariant, $"Measured {results.StartedAt:yyyy-MM-dd HH:mm} UTC in {results.Duration.TotalMinutes:0.0} min by `{results.Command}` at commit `{results.Commit}`."));
        Line(string.Create(Invariant, $"Machine: **{results.CpuModel}, {results.Cores} cores** (a KVM guest). The SFU under test is pinned with `taskset -c {o.SfuCpus ?? "(none)"}`, the generator with `taskset -c 0`; on two cores the generator shares core 0 with the rest of the system, so a generator that runs out of its core shows up as loss and latency that are not the SFU's (the generator's own CPU is reported)."));
        if (results.LoadAtStart is not null || results.LoadAtEnd is not null)
        {
            Line(string.Create(Invariant, $"Load average (1, 5, 15 min) at the start: {results.LoadAtStart ?? "?"}; at the end: {results.LoadAtEnd ?? "?"} (the load average counts runnable threads: the benchmark alone keeps it near 2, and Janus's threads per participant drive it far higher during its own windows; a high value at the start means other work was running)."));
        }

        Line();
        Line("Each synthetic participant is a WebRTC endpoint of the generator (ICE controlling, DTLS client, SRTP) publishing the synthetic trace: Opus 50 packets/s of 80 B, VP8 165 packets/s of 1,100 B (30 frames/s of 5 and 6 packets), a key frame every 3 s, each payload ending with the sender, the stream and the send time. Both SFUs get the same participants, the same trace and one offered SRTP profile. Receivers subscribe to the audio of everyone else and the video of up to 9 others (the appliance's last-N; Janus subscriptions are chosen to match).");
        Line();
        Line(string.Create(Invariant, $"Method: the SFU is a fresh process per workload run; participants join with the traffic paused (the RSS growth from after the first participant to everyone joined, per participant, is the memory per idle participant), then {o.Timing.WarmUp.TotalSeconds:0} s warm-up and a {o.Timing.Steady.TotalSeconds:0} s steady-state window (ramps: {o.Timing.RampWarmUp.TotalSeconds:0} s and {o.Timing.RampSteady.TotalSeconds:0} s per step; steady states are short so the whole run fits in about 20 minutes on this machine). W1 and W2: median of {o.Runs} runs with {Name(o.Profiles[0])}, {o.OtherProfileRuns} with the other profile; W3 and W4: one ramp each (every other step with the other profile). CPU is utime + stime of the SFU process from /proc over the window; forwarded packets are counted at the receivers; loss is 1 − received ÷ (sent × receivers that should get it); latency is receive time − send time minus the generator's own loopback-echo delay (stamp, SRTP, UDP, thread hand-off: the baseline below), so it is the latency the SFU adds. The knee is the first step with loss > 0.5 %, p99 added latency > 10 ms or the SFU's core > 85 %. Ratio = appliance ÷ Janus."));
        Line();

        foreach (var profile in o.Profiles)
        {
            var windows = results.Windows.Where(w => w.Profile == profile.ToString()).ToList();
            if (windows.Count == 0)
            {
                continue;
            }

            Line($"## {Name(profile)}");
            Line();
            var negotiated = string.Join(", ", windows.GroupBy(w => w.Sfu).Select(g => $"{g.Key}: {string.Join('/', g.Select(w => w.NegotiatedProfile).Distinct())}"));
            Line($"Negotiated in DTLS: {negotiated}. Generator baseline (echo) taken off each latency sample: {string.Join(", ", windows.GroupBy(w => w.Sfu).Select(g => FormattableString.Invariant($"{g.Key} runs {g.Average(w => w.BaselineMicroseconds):0} µs")))}.");
            Line();
            FixedTable(Line, windows, "W1", string.Create(Invariant, $"W1: one meeting of {o.W1Size} (everyone sends audio and video; each receives {o.W1Size - 1} audio + {Math.Min(9, o.W1Size - 1)} video)"));
            FixedTable(Line, windows, "W2", string.Create(Invariant, $"W2: {o.W2Shape.Meetings} meetings of {o.W2Shape.Size} (each receives everything of the other {o.W2Shape.Size - 1})"));
            RampTable(Line, windows, "W3", "W3: webinar, 1 publisher (audio + video) → N listeners");
            RampTable(Line, windows, "W4", "W4: audio only, 10 speakers → N listeners");
        }

        Targets(Line, results);
        Line("## Chart");
        Line();
        Line("![Forwarded packets per second against SFU CPU, and p99 added latency against listeners (GCM)](chart.png)");
        Line();
        Line("Left: forwarded packets per second against the SFU's CPU (% of its core) for every window with GCM. Right: p99 added latency against the number of listeners in the W3 and W4 ramps (GCM).");
        Line();
        if (results.Failures.Count > 0)
        {
            Line("## What failed in this run");
            Line();
            foreach (var failure in results.Failures)
            {
                Line("- " + failure.ReplaceLineEndings(" "));
            }

            Line();
        }

        if (!string.IsNullOrWhiteSpace(notes))
        {
            Line(notes.TrimEnd());
            Line();
        }

        return md.ToString();
    }

    /// <summary>The windows that count for a workload and SFU: W1/W2 all runs; ramps the step at the knee (the last below it, or the first if none is).</summary>
    public static WorkloadResult? AtKnee(IEnumerable<WorkloadResult> steps)
    {
        var ordered = steps.OrderBy(s => s.Participants).ToList();
        if (ordered.Count == 0)
        {
            return null;
        }

        var below = ordered.TakeWhile(s => !s.PastKnee).ToList();
        return below.Count > 0 ? below[^1] : ordered[0];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Name(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AeadAes128Gcm => "SRTP AEAD_AES_128_GCM",
        SrtpProfile.AesCm128HmacSha1_80 => "SRTP AES_CM_128_HMAC_SHA1_80",
        _ => profile.ToString(),
    };

    private static readonly (string Name, Func<WorkloadResult, double> Value, string Format)[] Rows =
    [
        ("forwarded packets/s (at the receivers)", r => r.ForwardedPacketsPerSecond, "0"),
        ("SFU CPU, % of one core", r => r.SfuCores * 100, "0.0"),
        ("µs of SFU CPU per forwarded packet", r => r.MicrosecondsPerForwardedPacket, "0.00"),
        ("forwarded packets per SFU CPU-second", r => r.ForwardedPacketsPerCpuSecond, "0"),
        ("loss, %", r => r.LossPercent, "0.00"),
        ("worst stream's loss, %", r => r.WorstStreamLossPercent, "0.0"),
        ("silent streams (of expected)", r => r.SilentStreams, "0"),
        ("jitter (mean of streams), ms", r => r.JitterMs, "0.00"),
        ("added latency p50, ms", r => r.LatencyP50Ms, "0.00"),
        ("added latency p99, ms", r => r.LatencyP99Ms, "0.00"),
        ("added latency p99.9, ms", r => r.LatencyP999Ms, "0.00"),
        ("NACKs / PLIs / FIRs from the SFU", r => r.Nacks + r.Plis + r.Firs, "0"),
        ("SFU RSS, MiB", r => r.SfuRssBytes / 1048576.0, "0.0"),
        ("memory per idle participant (RSS), KiB", r => r.IdleParticipantKiB, "0.0"),
        ("of which .NET heap after the last GC, KiB", r => r.IdleParticipantManagedHeapKiB, "0.0"),
        (".NET GC pause in the window, ms", r => r.GcPauseMs, "0.0"),
        ("bytes allocated per forwarded packet, media thread", r => r.AllocatedBytesPerPacket, "0.000"),
        ("bytes allocated per forwarded packet, whole process", r => r.ProcessAllocatedBytesPerPacket, "0.0"),
        ("generator CPU, % of one core", r => r.GeneratorCores * 100, "0"),
    ];

    private static void FixedTable(Action<string> line, List<WorkloadResult> windows, string workload, string title)
    {
        var ours = windows.Where(w => w.Workload == workload && w.Sfu == "appliance").ToList();
        var janus = windows.Where(w => w.Workload == workload && w.Sfu == "janus").ToList();
        if (ours.Count + janus.Count == 0)
        {
            return;
        }

        line($"### {title}");
        line("");
        line(string.Create(Invariant, $"| median of runs (appliance {ours.Count}, Janus {janus.Count}) | appliance | Janus | ratio |"));
        line("| --- | ---: | ---: | ---: |");
        foreach (var (name, value, format) in Rows)
        {
            var a = Median(ours.Select(value));
            var j = Median(janus.Select(value));
            line($"| {name} | {Format(a, format)} | {Format(j, format)} | {Ratio(a, j)} |");
        }

        line("");
    }

    private static void RampTable(Action<string> line, List<WorkloadResult> windows, string workload, string title)
    {
        var steps = windows.Where(w => w.Workload == workload).ToList();
        if (steps.Count == 0)
        {
            return;
        }

        line($"### {title}");
        line("");
        line("| SFU | participants | forwarded pkt/s | SFU CPU % | µs/pkt | pkt per CPU-s | loss % | p50 / p99 / p99.9 ms | join→first packet p50 / max ms | generator CPU % | past knee |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var step in steps.OrderBy(s => s.Sfu, StringComparer.Ordinal).ThenBy(s => s.Participants))
        {
            line(string.Create(Invariant, $"| {step.Sfu} | {step.Participants} | {step.ForwardedPacketsPerSecond:0} | {step.SfuCores * 100:0.0} | {Format(step.MicrosecondsPerForwardedPacket, "0.00")} | {Format(step.ForwardedPacketsPerCpuSecond, "0")} | {step.LossPercent:0.00} | {step.LatencyP50Ms:0.00} / {step.LatencyP99Ms:0.00} / {step.LatencyP999Ms:0.00} | {Format(step.JoinToFirstPacketP50Ms, "0")} / {Format(step.JoinToFirstPacketMaxMs, "0")} | {step.GeneratorCores * 100:0} | {(step.PastKnee ? "yes" : "")} |"));
        }

        line("");
        var ours = AtKnee(steps.Where(s => s.Sfu == "appliance"));
        var janus = AtKnee(steps.Where(s => s.Sfu == "janus"));
        string Knee(WorkloadResult? r) => r is null ? "not measured" : string.Create(Invariant, $"{r.Participants} participants, {r.ForwardedPacketsPerSecond:0} pkt/s at {r.SfuCores * 100:0} % of a core ({Format(r.ForwardedPacketsPerCpuSecond, "0")} pkt per CPU-s)");
        line($"Knee (last step below it): appliance {Knee(ours)}; Janus {Knee(janus)}.");
        if (ours is not null && janus is not null)
        {
            line($"Ratio of forwarded packets per CPU-second at the knee: {Ratio(ours.ForwardedPacketsPerCpuSecond, janus.ForwardedPacketsPerCpuSecond)}; of packets per second at the knee: {Ratio(ours.ForwardedPacketsPerSecond, janus.ForwardedPacketsPerSecond)}.");
        }

        line("");
    }

    private static void Targets(Action<string> line, BenchmarkResults results)
    {
        var gcm = results.Windows.Where(w => w.Profile == nameof(SrtpProfile.AeadAes128Gcm)).ToList();
        var ours = gcm.Where(w => w.Sfu == "appliance").ToList();
        var janus = gcm.Where(w => w.Sfu == "janus").ToList();
        double MedianOf(List<WorkloadResult> set, string workload, Func<WorkloadResult, double> value) => Median(set.Where(w => w.Workload == workload).Select(value));
        var usW2 = MedianOf(ours, "W2", r => r.MicrosecondsPerForwardedPacket);
        var usW1 = MedianOf(ours, "W1", r => r.MicrosecondsPerForwardedPacket);
        var ratioW2 = MedianOf(ours, "W2", r => r.ForwardedPacketsPerCpuSecond) / MedianOf(janus, "W2", r => r.ForwardedPacketsPerCpuSecond);
        var ourW3 = AtKnee(ours.Where(w => w.Workload == "W3"));
        var janusW3 = AtKnee(janus.Where(w => w.Workload == "W3"));
        var ratioW3 = ourW3 is null || janusW3 is null ? double.NaN : ourW3.ForwardedPacketsPerCpuSecond / janusW3.ForwardedPacketsPerCpuSecond;
        var below = ours.Where(w => !w.PastKnee).ToList();
        var p99Below = below.Count == 0 ? double.NaN : below.Max(w => w.LatencyP99Ms);
        var allocation = MedianOf(ours, "W2", r => r.AllocatedBytesPerPacket);
        // In bytes over a whole window: a few dozen bytes per window are a rare event's (a speaker or slot signal), not
        // a packet's; the target is met when no packet allocates, i.e. less than a byte per thousand packets.
        var windowPackets = MedianOf(ours, "W2", r => r.ForwardedPacketsPerSecond) * results.Options.Timing.Steady.TotalSeconds;
        var idle = Median(ours.Where(w => w.Workload is "W1" or "W2").Select(w => w.IdleParticipantKiB));

        line("## Against the targets (appliance, GCM)");
        line("");
        line("| target | measured | met |");
        line("| --- | --- | --- |");
        line(string.Create(Invariant, $"| SFU CPU per forwarded packet ≤ 2 µs (GCM) | W2 {Format(usW2, "0.00")} µs, W1 {Format(usW1, "0.00")} µs | {Met(usW2 <= 2)} |"));
        line(string.Create(Invariant, $"| forwarded packets per CPU-second ≥ 1.5 × Janus on W2 and W3 | W2 {Format(ratioW2, "0.00")} ×, W3 at the knee {Format(ratioW3, "0.00")} × | {Met(ratioW2 >= 1.5 && ratioW3 >= 1.5)} |"));
        line(string.Create(Invariant, $"| p99 added latency < 5 ms below the knee | worst p99 of the {below.Count} windows below the knee: {Format(p99Below, "0.00")} ms | {Met(p99Below < 5)} |"));
        line(string.Create(Invariant, $"| zero allocations per forwarded packet in steady state | media receive thread: {Format(allocation * windowPackets, "0")} B in a steady window of {Format(windowPackets, "0")} forwarded packets ({Format(allocation, "0.000000")} B per packet; W2 median; the appliance's `appliance_media_receive_thread_allocated_bytes`) | {Met(allocation < 0.001)} |"));
        line(string.Create(Invariant, $"| memory per idle participant < 100 KiB | {Format(idle, "0.0")} KiB (median of W1 and W2: RSS with everyone joined and no media, minus before, per participant) | {Met(idle < 100)} |"));
        line("");
    }

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static string Format(double value, string format) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "–" : value.ToString(format, Invariant);

    private static string Ratio(double ours, double janus) =>
        double.IsNaN(ours) || double.IsNaN(janus) || janus == 0 ? "–" : (ours / janus).ToString("0.00", Invariant) + " ×";
}
