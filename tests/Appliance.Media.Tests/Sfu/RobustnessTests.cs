using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

/// <summary>One participant's bad packets are counted against it and never disturb anyone else's traffic.</summary>
public class RobustnessTests
{
    [Test]
    public void Truncated_and_malformed_rtp_is_counted_and_dropped()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        meeting.Join();
        var good = Packets.Rtp(a.AudioSsrc, 1, 1, SfuOptions.OpusPayloadType, new byte[20], audioLevel: (true, 10));

        meeting.Router.OnRtp(a.Key, good.AsSpan(0, 11).ToArray(), meeting.Now);
        meeting.Router.OnRtp(a.Key, good.AsSpan(0, 15).ToArray(), meeting.Now);
        var badVersion = good.ToArray();
        badVersion[0] = 0x40;
        meeting.Router.OnRtp(a.Key, badVersion, meeting.Now);
        var badPadding = Packets.Rtp(a.AudioSsrc, 1, 1, SfuOptions.OpusPayloadType, new byte[4], padding: 1);
        badPadding[^1] = 200;
        meeting.Router.OnRtp(a.Key, badPadding, meeting.Now);
        meeting.Router.OnRtp(a.Key, [], meeting.Now);
        meeting.Router.OnRtp(a.Key, new byte[meeting.Options.MaxPacketSize + 1], meeting.Now);

        Assert.That(meeting.Output.Packets, Is.Empty);
        Assert.That(meeting.Counters(a).DroppedMalformed, Is.EqualTo(5));
        Assert.That(meeting.Counters(a).DroppedOversized, Is.EqualTo(1));
    }

    [Test]
    public void Malformed_rtcp_is_counted_and_the_packets_before_the_fault_are_still_used()
    {
        var meeting = new Meeting(lastN: 1);
        var viewer = meeting.Join(video: false);
        var a = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        meeting.SendVideo(a, Packets.Vp8KeyframeStart());
        meeting.Step(TimeSpan.FromMilliseconds(400));
        var slot = meeting.Slot(viewer, TrackKind.Video);
        meeting.Output.Clear();
        var pli = new byte[12];
        Appliance.Media.Rtp.RtcpWriter.TryWritePictureLossIndication(pli, 1, slot.Ssrc, out _);

        // A PLI, then a packet whose length runs past the end.
        byte[] compound = [.. pli, 0x81, 0xcd, 0x00, 0x09, 0, 0, 0, 1];
        meeting.Router.OnRtcp(viewer.Key, compound, meeting.Now);
        meeting.Router.OnRtcp(viewer.Key, [0x80], meeting.Now);
        meeting.Router.OnRtcp(viewer.Key, [], meeting.Now);

        Assert.That(meeting.Output.RtcpTo(a.Key).Count(), Is.EqualTo(1));
        Assert.That(meeting.Counters(viewer).RtcpMalformed, Is.EqualTo(3));
    }

    [TestCase(0x5EED_0001UL)]
    [TestCase(0xC0FF_EE00_1234_5678UL)]
    public void Garbage_from_one_participant_never_throws_and_leaves_the_others_traffic_exactly_as_without_it(ulong seed)
    {
        var clean = Run(seed, withGarbage: false);
        var noisy = Run(seed, withGarbage: true);

        Assert.That(noisy.ToOthers, Is.EqualTo(clean.ToOthers));
        Assert.That(noisy.AttackerDropped, Is.GreaterThan(1000));
    }

    // Two publishers take turns to talk and send video; when asked, a fourth member sends 20 000 mutated and random
    // datagrams as RTP and RTCP in between, including valid-looking packets on its own SSRCs and NACK/PLI floods.
    // With one video slot each, the others only ever see a's or b's video.
    private static (List<string> ToOthers, long AttackerDropped) Run(ulong seed, bool withGarbage)
    {
        var random = new XorShift(seed);
        var meeting = new Meeting(lastN: 1);
        var viewer = meeting.Join(video: false);
        var a = meeting.Join();
        var b = meeting.Join();
        var attacker = meeting.Join();
        var datagram = new byte[1600];
        var slotSsrc = meeting.Slot(attacker, TrackKind.Video).Ssrc;
        var seeds = new[]
        {
            Packets.Rtp(attacker.AudioSsrc, 1, 1, SfuOptions.OpusPayloadType, new byte[30], audioLevel: (false, 127), mid: "1"),
            Packets.Rtp(attacker.VideoSsrc, 1, 1, SfuOptions.Vp8PayloadType, Packets.Vp8KeyframeStart()),
            Packets.Rtp(attacker.VideoRtxSsrc, 1, 1, SfuOptions.Vp8RtxPayloadType, [0, 1, .. Packets.Vp8DeltaStart()]),
            Hex.Bytes("81 cd 00 03 00 00 00 01 00 00 00 02 00 01 ff ff"),
            Hex.Bytes("81 ce 00 02 00 00 00 01 00 00 00 02"),
            Hex.Bytes("84 ce 00 04 00 00 00 01 00 00 00 00 00 00 00 02 07 00 00 00"),
            Hex.Bytes("80 c8 00 06 01 02 03 04 e8 f1 a2 b3 c4 d5 e6 f7 00 00 03 e8 00 00 00 0a 00 00 04 b0"),
        };
        foreach (var s in seeds.Skip(3).Take(2))
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(8), slotSsrc);
        }

        for (var step = 0; step < 200; step++)
        {
            meeting.SendAudio(a, step < 100 ? 10 : 127, voice: step < 100);
            meeting.SendAudio(b, step >= 100 ? 10 : 127, voice: step >= 100);
            meeting.SendVideo(a, step % 30 == 0 ? Packets.Vp8KeyframeStart() : Packets.Vp8DeltaStart());
            meeting.SendVideo(b, step % 30 == 0 ? Packets.Vp8KeyframeStart() : Packets.Vp8DeltaStart());
            if (withGarbage)
            {
                for (var i = 0; i < 100; i++)
                {
                    var length = Shape(random, seeds, datagram);
                    if (random.Below(2) == 0)
                    {
                        meeting.Router.OnRtp(attacker.Key, datagram.AsSpan(0, length), meeting.Now);
                    }
                    else
                    {
                        meeting.Router.OnRtcp(attacker.Key, datagram.AsSpan(0, length), meeting.Now);
                    }
                }
            }

            meeting.Step(TimeSpan.FromMilliseconds(20));
        }

        // The attacker's own audio reaches the others, and its keyframe requests reach the publishers (rate-limited):
        // that is what a subscriber may do. Everything else the others receive must be unchanged.
        var toOthers = meeting.Output.Rtp
            .Where(p => p.To != attacker.Key && p.Header.Ssrc != attacker.AudioSsrc)
            .Select(p => $"{p.To} {Convert.ToHexString(p.Bytes)}")
            .ToList();
        Assert.That(toOthers, Has.Count.GreaterThan(1000));
        Assert.That(meeting.Router.TryGetCounters(attacker.Key, out var counters), Is.True);
        return (toOthers, counters.DroppedMalformed + counters.DroppedUnknownSsrc + counters.DroppedPayloadType + counters.RtcpMalformed);
    }

    private static int Shape(XorShift random, byte[][] seeds, byte[] datagram)
    {
        switch (random.Below(4))
        {
            case 0:
                var length = random.Below(datagram.Length);
                random.Fill(datagram.AsSpan(0, length));
                return length;
            default:
                var seed = seeds[random.Below(seeds.Length)];
                seed.CopyTo(datagram, 0);
                var flips = random.Below(4);
                for (var i = 0; i < flips; i++)
                {
                    datagram[random.Below(seed.Length)] ^= (byte)(1 << random.Below(8));
                }

                return random.Below(3) == 0 ? random.Below(seed.Length + 1) : seed.Length;
        }
    }
}
