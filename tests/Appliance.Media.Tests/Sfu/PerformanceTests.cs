using System.Diagnostics;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

/// <summary>The load: 50 participants, audio from all, video from everyone, 9 video slots each.</summary>
public class PerformanceTests
{
    private const int Participants = 50;

    [Test]
    public void Fifty_participants_with_steady_audio_and_video_forward_without_allocating()
    {
        var output = new CountingOutput();
        var meeting = new Meeting(output: output);
        var members = Enumerable.Range(0, Participants).Select(_ => meeting.Join()).ToList();
        var audio = members.Select(m => Packets.Rtp(m.AudioSsrc, 0, 0, SfuOptions.OpusPayloadType, new byte[80], audioLevel: (false, 127), mid: "0")).ToArray();
        var keyframes = members.Select(m => Packets.Rtp(m.VideoSsrc, 0, 0, SfuOptions.Vp8PayloadType, Packets.Vp8KeyframeStart(filler: 1000), mid: "1")).ToArray();
        var deltas = members.Select(m => Packets.Rtp(m.VideoSsrc, 0, 0, SfuOptions.Vp8PayloadType, Packets.Vp8DeltaStart(filler: 1000), mid: "1")).ToArray();
        var nack = new byte[16];
        var now = meeting.Now;
        long inbound = 0;

        // Every 20 ms each participant sends one audio packet (the speaker of the moment at speech level) and
        // two video packets (a 1 Mbit/s-ish camera at 30 fps); speakers change every 1.5 s, so slots switch,
        // PLIs go out and key frames answer; ticks every 60 ms; one subscriber NACKs every 20 ms.
        void Run(int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                var speaker = (int)(now / 1_500_000 % 12);
                for (var i = 0; i < members.Count; i++)
                {
                    var m = members[i];
                    var a = audio[i];
                    Rewrite(a, m.AudioSequence++, m.AudioTimestamp += 960);
                    a[17] = (byte)(i == speaker ? 0x80 | 10 : 127);
                    meeting.Router.OnRtp(m.Key, a, now);
                    for (var p = 0; p < 2; p++)
                    {
                        var v = (step + i) % 60 == 0 && p == 0 ? keyframes[i] : deltas[i];
                        Rewrite(v, m.VideoSequence++, m.VideoTimestamp += (uint)(p == 0 ? 1800 : 0));
                        meeting.Router.OnRtp(m.Key, v, now);
                    }

                    inbound += 3;
                }

                var viewer = members[step % members.Count];
                var slot = viewer.Key;
                Appliance.Media.Rtp.RtcpWriter.TryWriteNack(nack, 1, output.LastSlotSsrc(slot), [output.LastSequence(slot)], out _);
                meeting.Router.OnRtcp(slot, nack, now);
                now += 20_000;
                if (step % 3 == 0)
                {
                    meeting.Router.OnTick(now);
                }
            }
        }

        Run(500);
        var sentBefore = output.RtpCount;
        var inboundBefore = inbound;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();

        Run(250);

        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var packetsIn = inbound - inboundBefore;
        var packetsOut = output.RtpCount - sentBefore;
        var microseconds = elapsed.TotalMicroseconds;
        TestContext.Out.WriteLine(
            $"{Participants} participants, 5 s simulated: {packetsIn} packets in, {packetsOut} out, {output.RtcpCount} RTCP, " +
            $"{microseconds / packetsIn:F2} µs per packet in, {microseconds * 1000 / packetsOut:F0} ns per packet out, " +
            $"{elapsed.TotalMilliseconds:F0} ms for 5 s of meeting, {allocated} bytes allocated");

        Assert.That(allocated, Is.Zero);
        Assert.That(packetsOut, Is.GreaterThan(packetsIn * 10), "audio to 49, video to the subscribers showing it");
        Assert.That(meeting.Router.SpeakerVersion, Is.GreaterThan(3));
        Assert.That(members.Sum(m => meeting.Counters(m).NackedPacketsServed), Is.GreaterThan(100));
    }

    private static void Rewrite(byte[] packet, ushort sequence, uint timestamp) =>
        Appliance.Media.Rtp.RtpHeaderWriter.TryRewrite(packet, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)), sequence, timestamp);

    /// <summary>Counts packets and remembers, per subscriber, the last video packet's SSRC and sequence, without allocating.</summary>
    private sealed class CountingOutput : IRtpOutput
    {
        private readonly uint[] _ssrc = new uint[Participants + 2];
        private readonly ushort[] _sequence = new ushort[Participants + 2];

        public long RtpCount { get; private set; }

        public long RtcpCount { get; private set; }

        public void SendRtp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtp)
        {
            RtpCount++;
            if (plainRtp[1] == SfuOptions.Vp8PayloadType)
            {
                _ssrc[recipient.Value] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(plainRtp[8..]);
                _sequence[recipient.Value] = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(plainRtp[2..]);
            }
        }

        public void SendRtcp(ParticipantKey recipient, ReadOnlySpan<byte> plainRtcp) => RtcpCount++;

        public uint LastSlotSsrc(ParticipantKey subscriber) => _ssrc[subscriber.Value];

        public ushort LastSequence(ParticipantKey subscriber) => (ushort)(_sequence[subscriber.Value] - 3);
    }
}
