using System.Diagnostics;
using System.Runtime.InteropServices;
using Appliance.Crypto.Dtls;
using Appliance.Media.Client;

namespace Appliance.Media.Tests.Transport;

/// <summary>
/// CPU per forwarded packet on loopback: one sender, one or four receivers (fan-out), 20,000 RTP packets with
/// 1,000-byte payloads through the media server. Explicit: a number to read, not a check. Run it in Release:
/// <c>dotnet test tests/Appliance.Media.Tests -c Release --filter "Name~Measure"</c>.
/// </summary>
[Explicit("A measurement, not a check; run it by name in Release.")]
[Category("Measurement")]
[TestFixture(true)]
[TestFixture(false)]
public class ForwardingCostMeasurement(bool batchedIo)
{
    private const int Packets = 20_000;
    private const int Window = 200;
    private const ushort StartMark = 2_000;

    [TestCase(new[] { 7 }, new[] { 7 }, 1)]
    [TestCase(new[] { 1 }, new[] { 1 }, 1)]
    [TestCase(new[] { 7 }, new[] { 7 }, 4)]
    public async Task Measure_CPU_microseconds_per_forwarded_packet(int[] senderProfiles, int[] receiverProfiles, int receivers)
    {
        using var serverIdentity = DtlsIdentity.Create(TimeProvider.System);
        using var clientIdentity = DtlsIdentity.Create(TimeProvider.System);
        using var rig = new MediaRig(serverIdentity, batchedIo: batchedIo);
        var (a, _) = await rig.ConnectAsync(clientIdentity, senderProfiles);
        var all = new List<WebRtcClientEndpoint>();
        for (var r = 0; r < receivers; r++)
        {
            all.Add((await rig.ConnectAsync(clientIdentity, receiverProfiles)).Client);
        }

        var b = all[0];
        long Slowest() => all.Min(r => r.RtpPacketsReceived);

        long threadStart = 0, threadEnd = 0;
        const ushort EndMark = StartMark + Packets - 1;
        rig.Handler.AllocationMarks = (0, 0);
        rig.Handler.OnRtpProbe = sequence =>
        {
            if (sequence == StartMark)
            {
                threadStart = ThreadCpuNanoseconds();
            }
            else if (sequence == EndMark)
            {
                threadEnd = ThreadCpuNanoseconds();
            }
        };

        using var progress = new SemaphoreSlim(0);
        var receivedCount = 0;
        b.RtpReceived = _ =>
        {
            if (++receivedCount % (Window / 4) == 0)
            {
                progress.Release();
            }
        };

        var packet = TestMedia.Rtp(0xA1, 0, 1_000, 1);
        var process = Process.GetCurrentProcess();
        TimeSpan processStart = default;
        var wall = Stopwatch.StartNew();
        for (var i = 1; i < StartMark + Packets; i++)
        {
            if (i == StartMark / 2)
            {
                // Tiered compilation recompiles the hot path in the background about 100 ms after its first calls:
                // a pause here puts the measured packets on optimized code, whichever case runs first in the process.
                await MediaRig.WaitUntilAsync(() => Slowest() == i - 1, "the first half of the warm-up");
                await Task.Delay(1_000);
            }

            if (i == StartMark)
            {
                await MediaRig.WaitUntilAsync(() => Slowest() == StartMark - 1, "warm-up");
                process.Refresh();
                processStart = process.TotalProcessorTime;
                wall.Restart();
            }

            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)i);
            a.SendRtp(packet);
            // Pacing blocks rather than spins, so that the process figure is not waiting time.
            while (i - Slowest() > Window)
            {
                progress.Wait(TimeSpan.FromMilliseconds(1));
            }
        }

        await MediaRig.WaitUntilAsync(() => Slowest() == StartMark + Packets - 1, "every packet");
        process.Refresh();
        var processCpu = process.TotalProcessorTime - processStart;
        var elapsed = wall.Elapsed;

        var perPacketProcess = processCpu.TotalMicroseconds / Packets / receivers;
        var perPacketServer = (threadEnd - threadStart) / 1000.0 / (Packets - 1) / receivers;
        await TestContext.Out.WriteLineAsync(
            $"batched I/O {batchedIo}, profiles {senderProfiles[0]}->{receiverProfiles[0]}, fan-out {receivers}: {Packets} packets of 1,012 bytes in {elapsed.TotalMilliseconds:F0} ms; " +
            $"process CPU {perPacketProcess:F2} µs/forwarded packet (sender + server + receivers); server receive thread {perPacketServer:F2} µs/forwarded packet");
        Assert.That(all.Select(r => r.RtpPacketsReceived), Is.All.EqualTo(StartMark + Packets - 1));
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ClockThreadCpuTimeId = 3;
        return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : -1;
    }

    // DllImport, not LibraryImport: the struct is blittable, and the test project stays free of unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clockId, out Timespec time);
#pragma warning restore SYSLIB1054

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
