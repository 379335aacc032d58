using System.Buffers.Binary;
using Appliance.Media.Rtp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

/// <summary>RTCP from subscribers (PLI, FIR, NACK) and the reports the router generates (SR, RR).</summary>
public class FeedbackTests
{
    [Test]
    public void A_nack_is_answered_with_rtx_carrying_the_original_sequence_number_and_payload()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        var sent = meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc).ToList();
        var lost = sent[3];
        meeting.Output.Clear();

        meeting.Router.OnRtcp(viewer.Key, Nack(0x5555, slot.Ssrc, lost.Header.SequenceNumber, sent[5].Header.SequenceNumber), meeting.Now);

        var rtx = meeting.Output.RtpTo(viewer.Key).ToList();
        Assert.That(rtx, Has.Count.EqualTo(2));
        var first = rtx[0].Header;
        Assert.That(first.Ssrc, Is.EqualTo(slot.RtxSsrc));
        Assert.That(first.PayloadType, Is.EqualTo(SfuOptions.Vp8RtxPayloadType));
        Assert.That(first.Timestamp, Is.EqualTo(lost.Header.Timestamp));
        Assert.That(first.Marker, Is.EqualTo(lost.Header.Marker));
        Assert.That(rtx[1].Header.SequenceNumber, Is.EqualTo((ushort)(first.SequenceNumber + 1)));
        var payload = rtx[0].Payload;
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(payload), Is.EqualTo(lost.Header.SequenceNumber));
        Assert.That(payload[2..], Is.EqualTo(lost.Payload));
        Assert.That(BinaryPrimitives.ReadUInt16BigEndian(rtx[1].Payload), Is.EqualTo(sent[5].Header.SequenceNumber));
        Assert.That(meeting.Counters(viewer).NackedPacketsServed, Is.EqualTo(2));
        Assert.That(meeting.Counters(viewer).RtxSent, Is.EqualTo(2));

        // The same NACK again at once is throttled; 20 ms later it is served again.
        meeting.Router.OnRtcp(viewer.Key, Nack(0x5555, slot.Ssrc, lost.Header.SequenceNumber), meeting.Now);
        Assert.That(meeting.Counters(viewer).NackedPacketsThrottled, Is.EqualTo(1));
        meeting.Step(TimeSpan.FromMilliseconds(20));
        meeting.Router.OnRtcp(viewer.Key, Nack(0x5555, slot.Ssrc, lost.Header.SequenceNumber), meeting.Now);
        Assert.That(meeting.Counters(viewer).NackedPacketsServed, Is.EqualTo(3));
    }

    [Test]
    public void A_nack_flood_gets_no_more_retransmissions_than_the_subscribers_token_bucket_holds()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        for (var i = 0; i < 300; i++)
        {
            meeting.SendVideo(a, Packets.Vp8DeltaStart());
        }

        var sent = meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc).TakeLast(300).Select(p => p.Header.SequenceNumber).ToList();
        meeting.Output.Clear();

        // 1000 per second with a quarter second's burst: 250 now, then 100 more after 100 ms.
        foreach (var chunk in sent.Chunk(16))
        {
            meeting.Router.OnRtcp(viewer.Key, Nack(1, slot.Ssrc, chunk), meeting.Now);
        }

        Assert.That(meeting.Output.RtpTo(viewer.Key).Count(), Is.EqualTo(250));
        Assert.That(meeting.Counters(viewer).NackedPacketsThrottled, Is.EqualTo(50));
        meeting.Output.Clear();
        meeting.Router.OnRtcp(viewer.Key, Nack(1, slot.Ssrc, [.. sent.TakeLast(50)]), meeting.Now + 100_000);
        Assert.That(meeting.Output.RtpTo(viewer.Key).Count(), Is.EqualTo(50));
    }

    [Test]
    public void A_nack_for_a_packet_that_never_arrived_is_forwarded_to_the_publisher_under_its_own_numbering()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        var lastSent = meeting.Output.RtpTo(viewer.Key).Last(p => p.Header.Ssrc == slot.Ssrc).Header.SequenceNumber;

        // The publisher's next packet is lost on the way in; the one after arrives.
        var lostAtSource = a.VideoSequence++;
        meeting.SendVideo(a, Packets.Vp8DeltaStart());
        meeting.Output.Clear();

        meeting.Router.OnRtcp(viewer.Key, Nack(0x5555, slot.Ssrc, (ushort)(lastSent + 1)), meeting.Now);

        Assert.That(meeting.Output.Rtp, Is.Empty);
        var upstream = meeting.Output.RtcpTo(a.Key).Single();
        var reader = new RtcpCompoundReader(upstream.Bytes);
        Assert.That(reader.TryReadNext(out var packet) && RtcpGenericNack.TryRead(packet, out var nack), Is.True);
        RtcpGenericNack.TryRead(packet, out nack);
        Assert.That(nack.MediaSsrc, Is.EqualTo(a.VideoSsrc));
        var sequences = new List<ushort>();
        foreach (var sequence in nack)
        {
            sequences.Add(sequence);
        }

        Assert.That(sequences, Is.EqualTo(new[] { lostAtSource }));
        Assert.That(meeting.Counters(viewer).NackedPacketsMissed, Is.EqualTo(1));
        Assert.That(meeting.Counters(viewer).NacksForwarded, Is.EqualTo(1));
    }

    [Test]
    public void Packets_older_than_the_retransmission_buffer_are_counted_as_missed()
    {
        var meeting = new Meeting(lastN: 1, retransmissionBuffer: 16);
        var viewer = meeting.Join(video: false);
        var a = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        meeting.SendVideo(a, Packets.Vp8KeyframeStart());
        var slot = meeting.Slot(viewer, TrackKind.Video);
        var first = meeting.Output.RtpTo(viewer.Key).Single().Header.SequenceNumber;
        for (var i = 0; i < 20; i++)
        {
            meeting.SendVideo(a, Packets.Vp8DeltaStart());
        }

        meeting.Output.Clear();
        meeting.Router.OnRtcp(viewer.Key, Nack(1, slot.Ssrc, first), meeting.Now);

        Assert.That(meeting.Output.Rtp, Is.Empty);
        Assert.That(meeting.Counters(viewer).NackedPacketsMissed, Is.EqualTo(1));
    }

    [Test]
    public void A_pli_from_a_subscriber_is_relayed_to_the_publisher_in_that_slot_and_rate_limited()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        meeting.Step(TimeSpan.FromMilliseconds(400));
        meeting.Output.Clear();
        var pli = new byte[12];
        RtcpWriter.TryWritePictureLossIndication(pli, 0x7777, slot.Ssrc, out _);

        meeting.Router.OnRtcp(viewer.Key, pli, meeting.Now);
        meeting.Router.OnRtcp(viewer.Key, pli, meeting.Now + 100_000);
        meeting.Router.OnRtcp(viewer.Key, pli, meeting.Now + 299_000);
        meeting.Router.OnRtcp(viewer.Key, pli, meeting.Now + 300_000);

        var relayed = meeting.Output.Rtcp.ToList();
        Assert.That(relayed.Select(r => r.To), Is.EqualTo(new[] { a.Key, a.Key }));
        var reader = new RtcpCompoundReader(relayed[0].Bytes);
        Assert.That(reader.TryReadNext(out var packet) && RtcpPictureLossIndication.TryRead(packet, out _), Is.True);
        RtcpPictureLossIndication.TryRead(packet, out var relayedPli);
        Assert.That(relayedPli.MediaSsrc, Is.EqualTo(a.VideoSsrc));
        Assert.That(relayedPli.SenderSsrc, Is.EqualTo(meeting.Router.RouterSsrc));
        Assert.That(meeting.Counters(viewer).KeyframeRequestsReceived, Is.EqualTo(4));
        Assert.That(meeting.Counters(a).KeyframeRequestsSent, Is.EqualTo(3), "one when the slot was assigned, two relayed");
        Assert.That(meeting.Counters(a).KeyframeRequestsSuppressed, Is.EqualTo(2));
    }

    [Test]
    public void A_fir_is_relayed_as_a_fir_with_the_routers_own_sequence_number_per_request()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        meeting.Step(TimeSpan.FromMilliseconds(400));
        meeting.Output.Clear();
        var fir = new byte[20];
        RtcpWriter.TryWriteFullIntraRequest(fir, 0x7777, slot.Ssrc, 200, out _);

        meeting.Router.OnRtcp(viewer.Key, fir, meeting.Now);
        meeting.Router.OnRtcp(viewer.Key, fir, meeting.Now + 400_000);

        var sequences = meeting.Output.RtcpTo(a.Key).Select(r =>
        {
            var reader = new RtcpCompoundReader(r.Bytes);
            Assert.That(reader.TryReadNext(out var packet), Is.True);
            Assert.That(RtcpFullIntraRequest.TryRead(packet, out var relayed), Is.True);
            Assert.That(relayed.GetEntry(0).Ssrc, Is.EqualTo(a.VideoSsrc));
            return relayed.GetEntry(0).SequenceNumber;
        }).ToList();
        Assert.That(sequences, Has.Count.EqualTo(2));
        Assert.That(sequences[1], Is.EqualTo((byte)(sequences[0] + 1)));
    }

    [Test]
    public void Sender_reports_count_each_slots_packets_and_octets_and_carry_the_sources_clock_mapping()
    {
        var (meeting, viewer, a, slot) = ShowingOneSource();
        var sentVideo = meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc).ToList();
        for (var i = 0; i < 7; i++)
        {
            meeting.SendAudio(a);
        }

        // A's SR: its video RTP time 5 000 000 corresponds to now; the router adds the time since, then the slot offset.
        var sr = new byte[28];
        RtcpWriter.TryWriteSenderReport(sr, a.VideoSsrc, 0x1234_5678_9ABC_DEF0, 5_000_000, 1, 1, [], out _);
        meeting.Router.OnRtcp(a.Key, sr, meeting.Now);
        var srArrival = meeting.Now;
        meeting.Output.Clear();

        meeting.Step(TimeSpan.FromMilliseconds(1100));

        var reports = ReadSenderReports(meeting.Output.RtcpTo(viewer.Key));
        var video = reports.Single(r => r.Ssrc == slot.Ssrc);
        Assert.That(video.Packets, Is.EqualTo((uint)sentVideo.Count));
        Assert.That(video.Octets, Is.EqualTo((uint)sentVideo.Sum(p => p.Payload.Length)));
        var reportTime = (long)((video.Ntp - Meeting.NtpAtZero) * (double)Meeting.TicksPerSecond / 4294967296.0);
        // A is the slot's first source, so the slot's timestamps are A's own (offset 0).
        Assert.That(sentVideo[0].Header.Timestamp, Is.EqualTo(a.VideoTimestamp - (3000u * 3)));
        Assert.That(video.Rtp, Is.EqualTo(5_000_000u + (uint)((reportTime - srArrival) * 90_000 / Meeting.TicksPerSecond)).Within(1));
        var audio = reports.Single(r => r.Ssrc == a.AudioSsrc);
        Assert.That(audio.Packets, Is.EqualTo(7u));
        Assert.That(audio.Octets, Is.EqualTo(7u * 60));
        Assert.That(meeting.Counters(viewer).SenderReportsSent, Is.EqualTo(2));
    }

    [Test]
    public void Receiver_reports_give_loss_highest_sequence_and_jitter_for_a_synthetic_arrival_pattern()
    {
        var meeting = new Meeting();
        var a = meeting.Join(video: false);
        meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));

        // 200 audio packets 20 ms of media apart; they arrive alternately 15 and 25 ms apart (every transit
        // difference is 5 ms = 240 units at 48 kHz), and every 10th packet is lost.
        var firstSequence = a.AudioSequence;
        var arrival = meeting.Now;
        double expectedJitter = 0;
        double? lastTransit = null;
        for (var i = 0; i < 200; i++)
        {
            var rtp = Packets.Rtp(a.AudioSsrc, a.AudioSequence++, a.AudioTimestamp, SfuOptions.OpusPayloadType, new byte[40]);
            if (i % 10 != 5)
            {
                meeting.Router.OnRtp(a.Key, rtp, arrival);

                // RFC 3550 §6.4.1: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1))/16, in timestamp units.
                var transit = (arrival * 48_000.0 / Meeting.TicksPerSecond) - a.AudioTimestamp;
                if (lastTransit is { } previous)
                {
                    expectedJitter += (Math.Abs(transit - previous) - expectedJitter) / 16;
                }

                lastTransit = transit;
            }

            a.AudioTimestamp += 960;
            arrival += i % 2 == 0 ? 15_000 : 25_000;
        }

        var sr = new byte[28];
        RtcpWriter.TryWriteSenderReport(sr, a.AudioSsrc, 0xAABB_CCDD_EEFF_0011, 1, 1, 1, [], out _);
        meeting.Router.OnRtcp(a.Key, sr, meeting.Now);
        meeting.Output.Clear();
        meeting.Step(TimeSpan.FromMilliseconds(1500));

        var rr = meeting.Output.RtcpTo(a.Key).Select(r => r.Bytes).Single(b => b[1] == (byte)RtcpPacketType.ReceiverReport);
        var reader = new RtcpCompoundReader(rr);
        Assert.That(reader.TryReadNext(out var packet) && RtcpReceiverReport.TryRead(packet, out _), Is.True);
        RtcpReceiverReport.TryRead(packet, out var report);
        Assert.That(report.Ssrc, Is.EqualTo(meeting.Router.RouterSsrc));
        var block = report.GetReportBlock(0);
        Assert.That(block.Ssrc, Is.EqualTo(a.AudioSsrc));
        Assert.That(block.CumulativeLost, Is.EqualTo(20));
        Assert.That(block.FractionLost, Is.EqualTo(20 * 256 / 200));
        Assert.That(block.ExtendedHighestSequenceNumber, Is.EqualTo((uint)firstSequence + 199));
        Assert.That(expectedJitter, Is.InRange(150, 240));
        Assert.That((double)block.Jitter, Is.EqualTo(expectedJitter).Within(1.5));
        Assert.That(block.LastSenderReport, Is.EqualTo(0xCCDD_EEFFu));

        // The SR arrived at the start of the 1.5 s; the report went out at the first 1 s report tick after it.
        Assert.That(block.DelaySinceLastSenderReport / 65536.0, Is.InRange(0.9, 1.5));
        Assert.That(meeting.Counters(a).ReceiverReportsSent, Is.EqualTo(1));
    }

    private static (Meeting Meeting, Member Viewer, Member Source, OutgoingSlot Slot) ShowingOneSource()
    {
        var meeting = new Meeting(lastN: 1);
        var viewer = meeting.Join(video: false);
        var a = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 4; i++)
        {
            meeting.SendVideo(a, i == 0 ? Packets.Vp8KeyframeStart() : Packets.Vp8DeltaStart(filler: 100 + i));
            meeting.SendVideo(a, Packets.Vp8Continuation(filler: 50 + i), newFrame: false, marker: true);
            meeting.Step(TimeSpan.FromMilliseconds(33));
        }

        return (meeting, viewer, a, meeting.Slot(viewer, TrackKind.Video));
    }

    private static byte[] Nack(uint sender, uint media, params ushort[] lost)
    {
        var nack = new byte[64];
        Assert.That(RtcpWriter.TryWriteNack(nack, sender, media, lost, out var written), Is.True);
        return nack[..written];
    }

    private static List<(uint Ssrc, ulong Ntp, uint Rtp, uint Packets, uint Octets)> ReadSenderReports(IEnumerable<Sent> compounds)
    {
        var reports = new List<(uint, ulong, uint, uint, uint)>();
        foreach (var compound in compounds)
        {
            var reader = new RtcpCompoundReader(compound.Bytes);
            while (reader.TryReadNext(out var packet))
            {
                if (RtcpSenderReport.TryRead(packet, out var sr))
                {
                    reports.Add((sr.Ssrc, sr.NtpTimestamp, sr.RtpTimestamp, sr.PacketCount, sr.OctetCount));
                }
            }

            Assert.That(reader.Result, Is.EqualTo(RtcpParseResult.Ok));
        }

        return reports;
    }
}
