using System.Diagnostics;
using Appliance.Crypto.Srtp;
using Appliance.LoadGen.Measurement;
using Appliance.LoadGen.Trace;

namespace Appliance.LoadGen.Workloads;

/// <summary>How long the phases of a measurement last.</summary>
public sealed record RunTiming(TimeSpan WarmUp, TimeSpan Steady, TimeSpan RampWarmUp, TimeSpan RampSteady)
{
    public static RunTiming Smoke { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
}

/// <summary>
/// Runs workloads against one SFU: starts it (a fresh process per workload run), joins the meetings' participants with
/// the traffic paused (for the idle-memory figure), warms up, measures one steady-state window, and tears down. Ramps
/// add listeners step by step to a running meeting until the knee.
/// </summary>
internal sealed class WorkloadRunner
{
    private static readonly TimeSpan MaxStepJoinTime = TimeSpan.FromSeconds(90);

    private readonly Func<ISfuDriver> _newDriver;
    private readonly RunTiming _timing;
    private readonly TextWriter _log;
    private readonly int _lastN;

    public WorkloadRunner(Func<ISfuDriver> newDriver, RunTiming timing, TextWriter log, int lastN = 9)
    {
        _newDriver = newDriver;
        _timing = timing;
        _log = log;
        _lastN = lastN;
    }

    /// <summary>One run of a workload of fixed meetings.</summary>
    public async Task<WorkloadResult> RunFixedAsync(string workload, IReadOnlyList<IReadOnlyList<ParticipantSpec>> meetings, SrtpProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meetings);
        using var context = new RunContext([ProfileId(profile)], _lastN);
        context.Window.BaselineTicks = EchoBaseline.MeasureTicks(profile, TimeSpan.FromSeconds(1));
        await using var driver = _newDriver();
        await driver.StartAsync(cancellationToken).ConfigureAwait(false);
        _log.WriteLine($"  {driver.Name} {workload} {profile}: started (pid {driver.ProcessId}); joining {meetings.Sum(m => m.Count)} participants in {meetings.Count} meeting(s)");
        var sessions = new List<IMeetingSession>();
        try
        {
            context.Pump.Paused = true;
            ProcessSample? before = null;
            var heapBefore = double.NaN;
            var index = 0;
            foreach (var meeting in meetings)
            {
                var session = await driver.OpenMeetingAsync($"{workload} meeting {sessions.Count + 1}", context, cancellationToken).ConfigureAwait(false);
                sessions.Add(session);
                var start = 0;
                if (before is null)
                {
                    // The first participant pays for what any first one does (code paths run once, pools, buffers):
                    // memory per participant is counted from after it.
                    await session.AddAsync(meeting.Take(1).ToList(), index, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                    before = ProcessSample.Read(driver.ProcessId);
                    heapBefore = ManagedHeap(await driver.ReadCountersAsync(cancellationToken).ConfigureAwait(false));
                    start = 1;
                }

                await session.AddAsync(meeting.Skip(start).ToList(), index + start, cancellationToken).ConfigureAwait(false);
                index += meeting.Count;
            }

            // Renegotiations after the last join settle, then the memory of everyone joined with no media flowing.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var idle = ProcessSample.Read(driver.ProcessId);
            var idleKiB = before is null || idle is null || index < 2 ? double.NaN : (idle.RssBytes - before.RssBytes) / 1024.0 / (index - 1);
            var idleHeapKiB = (ManagedHeap(await driver.ReadCountersAsync(cancellationToken).ConfigureAwait(false)) - heapBefore) / 1024.0 / Math.Max(1, index - 1);
            context.Pump.Paused = false;
            _log.WriteLine($"  joined; warming up {_timing.WarmUp.TotalSeconds:0} s");
            await Task.Delay(_timing.WarmUp, cancellationToken).ConfigureAwait(false);
            var result = await MeasureAsync(workload, profile, driver, context, sessions, _timing.Steady, idleKiB, joinedSince: long.MaxValue, cancellationToken).ConfigureAwait(false);
            result = result with { IdleParticipantManagedHeapKiB = idleHeapKiB };
            _log.WriteLine("  " + Summary(result));
            return result;
        }
        finally
        {
            context.Pump.Clear();
            foreach (var session in sessions)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A ramp: <paramref name="publishers"/> join one meeting, then listeners are added up to each of
    /// <paramref name="steps"/> in turn, one window per step, until a step is past the knee or a join fails.
    /// </summary>
    public async Task<IReadOnlyList<WorkloadResult>> RunRampAsync(
        string workload, IReadOnlyList<ParticipantSpec> publishers, ParticipantSpec listener, IReadOnlyList<int> steps, SrtpProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publishers);
        ArgumentNullException.ThrowIfNull(steps);
        using var context = new RunContext([ProfileId(profile)], _lastN);
        context.Window.BaselineTicks = EchoBaseline.MeasureTicks(profile, TimeSpan.FromSeconds(1));
        await using var driver = _newDriver();
        await driver.StartAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<WorkloadResult>();
        var session = await driver.OpenMeetingAsync(workload, context, cancellationToken).ConfigureAwait(false);
        try
        {
            await session.AddAsync(publishers, 0, cancellationToken).ConfigureAwait(false);
            var listeners = 0;
            foreach (var step in steps)
            {
                var joinedSince = Stopwatch.GetTimestamp();
                var add = Enumerable.Repeat(listener, step - listeners).ToList();
                try
                {
                    // A step whose joins take minutes is past any knee already, and would eat the run's time budget.
                    using var stepLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    stepLimit.CancelAfter(MaxStepJoinTime);
                    await session.AddAsync(add, publishers.Count + listeners, stepLimit.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException or HttpRequestException
                                               or System.Net.WebSockets.WebSocketException or System.Net.Sockets.SocketException or IOException or FormatException
                                               or global::Appliance.Crypto.Dtls.DtlsHandshakeException)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }

                    _log.WriteLine($"  {driver.Name} {workload}: joining {step} listeners failed ({ex.GetType().Name}: {ex.Message}); the ramp ends here");
                    break;
                }

                listeners = step;
                await Task.Delay(_timing.RampWarmUp, cancellationToken).ConfigureAwait(false);
                var result = await MeasureAsync(workload, profile, driver, context, [session], _timing.RampSteady, double.NaN, joinedSince, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                _log.WriteLine($"  {driver.Name} {workload} {profile} {step} listeners: " + Summary(result));
                if (result.PastKnee)
                {
                    break;
                }
            }
        }
        finally
        {
            context.Pump.Clear();
            await session.DisposeAsync().ConfigureAwait(false);
        }

        return results;
    }

    public static int ProfileId(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AeadAes128Gcm => Appliance.Crypto.Dtls.DtlsSrtpProfiles.AeadAes128Gcm,
        SrtpProfile.AesCm128HmacSha1_80 => Appliance.Crypto.Dtls.DtlsSrtpProfiles.Aes128CmHmacSha1Tag80,
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };

    public static string Summary(WorkloadResult r) => FormattableString.Invariant(
        $"{r.Participants} participants: {r.ForwardedPacketsPerSecond:0} pps forwarded, SFU {r.SfuCores * 100:0}% core ({r.MicrosecondsPerForwardedPacket:0.00} µs/pkt), generator {r.GeneratorCores * 100:0}%, loss {r.LossPercent:0.00}% (worst {r.WorstStreamLossPercent:0.0}%, {r.SilentStreams}/{r.ExpectedStreams} silent), added p50/p99/p99.9 {r.LatencyP50Ms:0.00}/{r.LatencyP99Ms:0.00}/{r.LatencyP999Ms:0.00} ms, {r.NegotiatedProfile}");

    private static void ComputeExpected(IReadOnlyList<GeneratorParticipant> participants, int lastN)
    {
        var ordered = participants.OrderBy(p => p.Index).ToList();
        foreach (var receiver in ordered)
        {
            receiver.Expected.Clear();
            var videos = 0;
            foreach (var other in ordered)
            {
                if (other == receiver)
                {
                    continue;
                }

                if (other.Spec.Audio)
                {
                    receiver.Expected.Add((other.Index, StreamKind.Audio));
                }

                if (other.Spec.Video && videos < lastN)
                {
                    receiver.Expected.Add((other.Index, StreamKind.Video));
                    videos++;
                }
            }
        }
    }

    private static async Task<WorkloadResult> MeasureAsync(
        string workload, SrtpProfile profile, ISfuDriver driver, RunContext context, IReadOnlyList<IMeetingSession> sessions, TimeSpan steady, double idleKiB, long joinedSince,
        CancellationToken cancellationToken)
    {
        var participants = sessions.SelectMany(s => s.Participants).ToList();
        foreach (var session in sessions)
        {
            ComputeExpected(session.Participants, context.LastN);
        }

        var publishers = participants.SelectMany(p => p.Publishers).ToDictionary(p => p.Participant);
        // The SFU's own counters are read over HTTP, which takes a while under load: outside the snapshots that bound
        // the window, so that packets, CPU and time cover exactly the same interval.
        var countersBefore = await driver.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        var receivedBefore = Received(participants);
        var sentBefore = publishers.ToDictionary(p => p.Key, p => (p.Value.AudioSent, p.Value.VideoSent));
        var skipsBefore = context.Pump.Skipped;
        var sfuBefore = ProcessSample.Read(driver.ProcessId);
        var selfBefore = ProcessSample.Read(Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        context.Window.Open();

        await Task.Delay(steady, cancellationToken).ConfigureAwait(false);

        context.Window.Close();
        var receivedAfter = Received(participants);
        var sentAfter = publishers.ToDictionary(p => p.Key, p => (p.Value.AudioSent, p.Value.VideoSent));
        var sfuAfter = ProcessSample.Read(driver.ProcessId);
        var selfAfter = ProcessSample.Read(Environment.ProcessId);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var countersAfter = await driver.ReadCountersAsync(cancellationToken).ConfigureAwait(false);
        // Let the last stamped packets of the window land before the histograms are read.
        await Task.Delay(100, cancellationToken).ConfigureAwait(false);

        double expectedTotal = 0, receivedTotal = 0, worst = 0;
        var silent = 0;
        var expectedStreams = 0;
        var jitters = new List<double>();
        var latency = new LatencyHistogram();
        var joinTimes = new List<double>();
        long nacks = 0, plis = 0, firs = 0;
        var profiles = participants.Select(p => p.NegotiatedProfile).Distinct().ToList();
        foreach (var participant in participants)
        {
            foreach (var receiver in participant.Receivers)
            {
                latency.Add(receiver.Latency);
                nacks += receiver.Nacks;
                plis += receiver.Plis;
                firs += receiver.Firs;
                if (participant.JoinStartedAt >= joinedSince && receiver.FirstPacketAt != 0 && participant.Expected.Count > 0)
                {
                    joinTimes.Add(Stopwatch.GetElapsedTime(participant.JoinStartedAt, receiver.FirstPacketAt).TotalMilliseconds);
                }

                foreach (var (_, stream) in receiver.Streams())
                {
                    jitters.Add(stream.JitterTicks * 1000.0 / Stopwatch.Frequency);
                }
            }

            foreach (var (publisher, kind) in participant.Expected)
            {
                if (!sentAfter.TryGetValue(publisher, out var sentEnd) || !sentBefore.TryGetValue(publisher, out var sentStart))
                {
                    continue;
                }

                var sent = kind == StreamKind.Audio ? sentEnd.AudioSent - sentStart.AudioSent : sentEnd.VideoSent - sentStart.VideoSent;
                var got = receivedAfter.GetValueOrDefault((participant.Index, publisher, kind)) - receivedBefore.GetValueOrDefault((participant.Index, publisher, kind));
                expectedStreams++;
                expectedTotal += sent;
                receivedTotal += Math.Min(got, sent);
                if (got == 0)
                {
                    silent++;
                }

                if (sent > 0)
                {
                    worst = Math.Max(worst, 100.0 * (sent - Math.Min(got, sent)) / sent);
                }
            }
        }

        var forwarded = receivedAfter.Values.Sum() - receivedBefore.Values.Sum();
        var sentPackets = sentAfter.Sum(p => p.Value.AudioSent + p.Value.VideoSent) - sentBefore.Sum(p => p.Value.AudioSent + p.Value.VideoSent);
        double Delta(string name) => countersAfter.TryGetValue(name, out var a) && countersBefore.TryGetValue(name, out var b) ? a - b : double.NaN;
        var allocated = Delta("appliance_media_receive_thread_allocated_bytes");
        var gcPause = Delta("system_runtime_dotnet_gc_pause_time");
        var processAllocated = Delta("system_runtime_dotnet_gc_heap_total_allocated");
        var rtpSent = Delta("appliance_media_server_events_total{counter=\"rtp_sent\"}");
        joinTimes.Sort();
        return new WorkloadResult
        {
            Workload = workload,
            Sfu = driver.Name,
            Profile = profile.ToString(),
            Participants = participants.Count,
            WindowSeconds = seconds,
            ForwardedPacketsPerSecond = forwarded / seconds,
            SentPacketsPerSecond = sentPackets / seconds,
            SfuCores = sfuBefore is null || sfuAfter is null ? double.NaN : (sfuAfter.CpuSeconds - sfuBefore.CpuSeconds) / seconds,
            GeneratorCores = selfBefore is null || selfAfter is null ? double.NaN : (selfAfter.CpuSeconds - selfBefore.CpuSeconds) / seconds,
            LossPercent = expectedTotal > 0 ? Math.Max(0, 100.0 * (expectedTotal - receivedTotal) / expectedTotal) : double.NaN,
            WorstStreamLossPercent = worst,
            SilentStreams = silent,
            ExpectedStreams = expectedStreams,
            JitterMs = jitters.Count > 0 ? jitters.Average() : double.NaN,
            LatencyP50Ms = latency.Quantile(0.5) / 1000,
            LatencyP99Ms = latency.Quantile(0.99) / 1000,
            LatencyP999Ms = latency.Quantile(0.999) / 1000,
            LatencySamples = latency.Count,
            BaselineMicroseconds = MeasurementWindow.Microseconds(context.Window.BaselineTicks),
            JoinToFirstPacketP50Ms = joinTimes.Count > 0 ? joinTimes[joinTimes.Count / 2] : double.NaN,
            JoinToFirstPacketMaxMs = joinTimes.Count > 0 ? joinTimes[^1] : double.NaN,
            Nacks = nacks,
            Plis = plis,
            Firs = firs,
            SfuRssBytes = sfuAfter?.RssBytes ?? 0,
            IdleParticipantKiB = idleKiB,
            GcPauseMs = gcPause * 1000,
            AllocatedBytesPerPacket = forwarded > 0 ? allocated / forwarded : double.NaN,
            ProcessAllocatedBytesPerPacket = forwarded > 0 ? processAllocated / forwarded : double.NaN,
            SfuReportedSentPerSecond = rtpSent / seconds,
            NegotiatedProfile = profiles.Count == 1 ? profiles[0] ?? "none" : "mixed",
            PumpSkips = context.Pump.Skipped - skipsBefore,
        };
    }

    // The .NET heap as the last collection left it (all generations): live objects, not the garbage RSS also holds.
    private static double ManagedHeap(IReadOnlyDictionary<string, double> counters)
    {
        var sum = 0.0;
        var found = false;
        foreach (var (name, value) in counters)
        {
            if (name.StartsWith("system_runtime_dotnet_gc_last_collection_heap_size{", StringComparison.Ordinal))
            {
                sum += value;
                found = true;
            }
        }

        return found ? sum : double.NaN;
    }

    private static Dictionary<(int Receiver, int Publisher, StreamKind Kind), long> Received(IReadOnlyList<GeneratorParticipant> participants)
    {
        var totals = new Dictionary<(int, int, StreamKind), long>();
        foreach (var participant in participants)
        {
            foreach (var receiver in participant.Receivers)
            {
                foreach (var (_, stream) in receiver.Streams())
                {
                    var key = (participant.Index, stream.Publisher, stream.Kind);
                    totals[key] = totals.GetValueOrDefault(key) + stream.Received;
                }
            }
        }

        return totals;
    }
}
