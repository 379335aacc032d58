using Appliance.Media.Rtp;

namespace Appliance.Media.Tests.Rtp;

public class RtcpTests
{
    // RR (RFC 3550 §6.4.2), RC=1, length 7: reporter 0x11111111; block for 0x22222222: fraction 0x40,
    // cumulative lost -1 (0xFFFFFF), highest 0x00010005, jitter 0x20, LSR 0x12345678, DLSR 0x00010000.
    private static readonly byte[] ReceiverReport = Hex.Bytes("""
        81 c9 00 07  11 11 11 11
        22 22 22 22  40 ff ff ff  00 01 00 05  00 00 00 20  12 34 56 78  00 01 00 00
        """);

    // SR (RFC 3550 §6.4.1), RC=0, length 6: SSRC 0x01020304, NTP 0xE8F1A2B3C4D5E6F7, RTP 0x000003E8,
    // 10 packets, 1200 octets.
    private static readonly byte[] SenderReport = Hex.Bytes("""
        80 c8 00 06  01 02 03 04  e8 f1 a2 b3 c4 d5 e6 f7  00 00 03 e8  00 00 00 0a  00 00 04 b0
        """);

    // SDES (RFC 3550 §6.5), one chunk: SSRC 0x01020304, CNAME "ab", end, padding to a word.
    private static readonly byte[] SourceDescription = Hex.Bytes("81 ca 00 02  01 02 03 04  01 02 61 62");

    // BYE (RFC 3550 §6.6), SC=1: 0x01020304, reason "bye" (length 3), no padding needed.
    private static readonly byte[] Goodbye = Hex.Bytes("81 cb 00 02  01 02 03 04  03 62 79 65");

    [Test]
    public void A_receiver_report_and_its_block_are_read()
    {
        var reader = new RtcpCompoundReader(ReceiverReport);

        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(packet.Type, Is.EqualTo(RtcpPacketType.ReceiverReport));
        Assert.That(RtcpReceiverReport.TryRead(packet, out var report), Is.True);
        Assert.That(report.Ssrc, Is.EqualTo(0x11111111u));
        Assert.That(report.ReportBlockCount, Is.EqualTo(1));
        Assert.That(report.GetReportBlock(0), Is.EqualTo(new RtcpReportBlock(0x22222222, 0x40, -1, 0x00010005, 0x20, 0x12345678, 0x00010000)));
        Assert.That(reader.TryReadNext(out _), Is.False);
        Assert.That(reader.Result, Is.EqualTo(RtcpParseResult.Ok));
    }

    [Test]
    public void A_compound_of_SR_SDES_and_BYE_is_walked_in_order_and_each_is_read()
    {
        var compound = SenderReport.Concat(SourceDescription).Concat(Goodbye).ToArray();
        var reader = new RtcpCompoundReader(compound);
        var types = new List<RtcpPacketType>();

        while (reader.TryReadNext(out var packet))
        {
            types.Add(packet.Type);
            if (RtcpSenderReport.TryRead(packet, out var sr))
            {
                Assert.That(sr.Ssrc, Is.EqualTo(0x01020304u));
                Assert.That(sr.NtpTimestamp, Is.EqualTo(0xE8F1A2B3C4D5E6F7ul));
                Assert.That(sr.RtpTimestamp, Is.EqualTo(1000u));
                Assert.That(sr.PacketCount, Is.EqualTo(10u));
                Assert.That(sr.OctetCount, Is.EqualTo(1200u));
                Assert.That(sr.ReportBlockCount, Is.Zero);
            }

            if (RtcpGoodbye.TryRead(packet, out var bye))
            {
                Assert.That(bye.SourceCount, Is.EqualTo(1));
                Assert.That(bye.GetSource(0), Is.EqualTo(0x01020304u));
                Assert.That(System.Text.Encoding.UTF8.GetString(bye.Reason), Is.EqualTo("bye"));
            }
        }

        Assert.That(reader.Result, Is.EqualTo(RtcpParseResult.Ok));
        Assert.That(types, Is.EqualTo(new[] { RtcpPacketType.SenderReport, RtcpPacketType.SourceDescription, RtcpPacketType.Goodbye }));
        Assert.That(RtcpCompoundReader.Validate(compound), Is.EqualTo(RtcpParseResult.Ok));
    }

    [Test]
    public void Readers_refuse_packets_of_another_type()
    {
        var reader = new RtcpCompoundReader(SenderReport);
        reader.TryReadNext(out var packet);

        Assert.That(RtcpReceiverReport.TryRead(packet, out _), Is.False);
        Assert.That(RtcpGoodbye.TryRead(packet, out _), Is.False);
        Assert.That(RtcpGenericNack.TryRead(packet, out _), Is.False);
        Assert.That(RtcpPictureLossIndication.TryRead(packet, out _), Is.False);
        Assert.That(RtcpFullIntraRequest.TryRead(packet, out _), Is.False);
        Assert.That(RtcpRemb.TryRead(packet, out _), Is.False);
    }

    [Test]
    public void A_report_count_larger_than_the_body_is_refused_by_the_report_reader()
    {
        var bad = (byte[])ReceiverReport.Clone();
        bad[0] = 0x82; // RC=2 with one block

        var reader = new RtcpCompoundReader(bad);
        reader.TryReadNext(out var packet);

        Assert.That(RtcpReceiverReport.TryRead(packet, out _), Is.False);
    }

    [Test]
    public void A_goodbye_reason_longer_than_the_packet_is_refused()
    {
        var bad = (byte[])Goodbye.Clone();
        bad[8] = 4;

        var reader = new RtcpCompoundReader(bad);
        reader.TryReadNext(out var packet);

        Assert.That(RtcpGoodbye.TryRead(packet, out _), Is.False);
    }

    [Test]
    public void Padding_on_the_last_packet_is_removed_from_its_body()
    {
        // BYE with no reason, padded by 4 bytes (count 4 in the last byte).
        var padded = Hex.Bytes("a1 cb 00 02  01 02 03 04  00 00 00 04");
        var compound = ReceiverReport.Concat(padded).ToArray();
        var reader = new RtcpCompoundReader(compound);

        reader.TryReadNext(out _);
        Assert.That(reader.TryReadNext(out var bye), Is.True);
        Assert.That(bye.HasPadding, Is.True);
        Assert.That(bye.Body.Length, Is.EqualTo(4));
        Assert.That(RtcpGoodbye.TryRead(bye, out var goodbye), Is.True);
        Assert.That(goodbye.Reason.IsEmpty, Is.True);
    }

    [Test]
    public void Padding_on_a_packet_that_is_not_last_is_refused()
    {
        var padded = Hex.Bytes("a1 cb 00 02  01 02 03 04  00 00 00 04");

        Assert.That(RtcpCompoundReader.Validate(padded.Concat(ReceiverReport).ToArray()), Is.EqualTo(RtcpParseResult.PaddingNotLast));
    }

    [TestCase("a1 cb 00 02  01 02 03 04  00 00 00 00", RtcpParseResult.BadPadding)]
    [TestCase("a1 cb 00 02  01 02 03 04  00 00 00 0d", RtcpParseResult.BadPadding)]
    [TestCase("41 cb 00 01  01 02 03 04", RtcpParseResult.BadVersion)]
    [TestCase("81 cb 00 02  01 02 03 04", RtcpParseResult.LengthOverrun)]
    [TestCase("81 cb 00", RtcpParseResult.TooShort)]
    [TestCase("", RtcpParseResult.TooShort)]
    public void Malformed_compounds_are_refused_with_their_reason(string hex, RtcpParseResult expected)
    {
        Assert.That(RtcpCompoundReader.Validate(Hex.Bytes(hex)), Is.EqualTo(expected));
    }

    [Test]
    public void Packets_before_a_malformed_one_are_still_read()
    {
        var compound = ReceiverReport.Concat(Hex.Bytes("41 cb 00 01")).ToArray();
        var reader = new RtcpCompoundReader(compound);

        Assert.That(reader.TryReadNext(out _), Is.True);
        Assert.That(reader.TryReadNext(out _), Is.False);
        Assert.That(reader.Result, Is.EqualTo(RtcpParseResult.BadVersion));
        Assert.That(reader.TryReadNext(out _), Is.False);
    }

    [Test]
    public void A_generic_nack_expands_pid_and_blp_into_lost_sequence_numbers()
    {
        // RTPFB FMT=1 (RFC 4585 §6.2.1): PID 0x1234 BLP 0b101 loses 0x1234, 0x1235, 0x1237;
        // PID 0xFFFF BLP bit 0 and bit 15 loses 0xFFFF, 0x0000 and 0x000F (wrapping).
        var packet = Hex.Bytes("81 cd 00 04  00 00 00 01  00 00 00 02  12 34 00 05  ff ff 80 01");
        var reader = new RtcpCompoundReader(packet);
        reader.TryReadNext(out var rtcp);

        Assert.That(RtcpGenericNack.TryRead(rtcp, out var nack), Is.True);
        Assert.That(nack.SenderSsrc, Is.EqualTo(1u));
        Assert.That(nack.MediaSsrc, Is.EqualTo(2u));
        Assert.That(nack.EntryCount, Is.EqualTo(2));
        Assert.That(Lost(nack), Is.EqualTo(new ushort[] { 0x1234, 0x1235, 0x1237, 0xFFFF, 0x0000, 0x000F }));
    }

    [Test]
    public void A_nack_without_any_pair_is_refused()
    {
        var reader = new RtcpCompoundReader(Hex.Bytes("81 cd 00 02  00 00 00 01  00 00 00 02"));
        reader.TryReadNext(out var rtcp);

        Assert.That(RtcpGenericNack.TryRead(rtcp, out _), Is.False);
    }

    [Test]
    public void The_nack_writer_packs_pairs_that_read_back_to_the_same_losses()
    {
        ushort[] lost = [100, 101, 103, 116, 117, 200, 65535, 0, 3];
        var buffer = new byte[64];

        Assert.That(RtcpWriter.TryWriteNack(buffer, 0xAAAAAAAA, 0xBBBBBBBB, lost, out var written), Is.True);

        // 100 with bits 0, 2 and 15 (101, 103, 116); 117; 200; 65535 with bits 0 and 3 (0, 3).
        Assert.That(buffer[..written], Is.EqualTo(Hex.Bytes("""
            81 cd 00 06  aa aa aa aa  bb bb bb bb
            00 64 80 05  00 75 00 00  00 c8 00 00  ff ff 00 09
            """)));
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
        reader.TryReadNext(out var rtcp);
        RtcpGenericNack.TryRead(rtcp, out var nack);
        Assert.That(Lost(nack), Is.EqualTo(lost));
    }

    [Test]
    public void The_nack_writer_refuses_an_empty_list_and_a_small_buffer()
    {
        Assert.That(RtcpWriter.TryWriteNack(new byte[64], 1, 2, [], out var written), Is.False);
        Assert.That(written, Is.Zero);
        Assert.That(RtcpWriter.TryWriteNack(new byte[19], 1, 2, [1, 100], out _), Is.False);
        Assert.That(RtcpWriter.TryWriteNack(new byte[20], 1, 2, [1, 100], out written), Is.True);
        Assert.That(written, Is.EqualTo(20));
    }

    [Test]
    public void A_picture_loss_indication_is_written_as_twelve_known_bytes_and_read_back()
    {
        var buffer = new byte[12];

        Assert.That(RtcpWriter.TryWritePictureLossIndication(buffer, 0x01020304, 0x05060708, out var written), Is.True);

        Assert.That(buffer[..written], Is.EqualTo(Hex.Bytes("81 ce 00 02  01 02 03 04  05 06 07 08")));
        var reader = new RtcpCompoundReader(buffer);
        reader.TryReadNext(out var rtcp);
        Assert.That(RtcpPictureLossIndication.TryRead(rtcp, out var pli), Is.True);
        Assert.That(pli.SenderSsrc, Is.EqualTo(0x01020304u));
        Assert.That(pli.MediaSsrc, Is.EqualTo(0x05060708u));
        Assert.That(RtcpWriter.TryWritePictureLossIndication(new byte[11], 1, 2, out _), Is.False);
    }

    [Test]
    public void A_full_intra_request_puts_the_target_in_the_fci_and_zero_in_the_header()
    {
        var buffer = new byte[20];

        Assert.That(RtcpWriter.TryWriteFullIntraRequest(buffer, 0x01020304, 0x05060708, 9, out var written), Is.True);

        Assert.That(buffer[..written], Is.EqualTo(Hex.Bytes("84 ce 00 04  01 02 03 04  00 00 00 00  05 06 07 08  09 00 00 00")));
        var reader = new RtcpCompoundReader(buffer);
        reader.TryReadNext(out var rtcp);
        Assert.That(RtcpFullIntraRequest.TryRead(rtcp, out var fir), Is.True);
        Assert.That(fir.SenderSsrc, Is.EqualTo(0x01020304u));
        Assert.That(fir.EntryCount, Is.EqualTo(1));
        Assert.That(fir.GetEntry(0), Is.EqualTo(new RtcpFirEntry(0x05060708, 9)));
        Assert.That(RtcpWriter.TryWriteFullIntraRequest(new byte[19], 1, 2, 3, out _), Is.False);
    }

    [Test]
    public void A_fir_with_a_partial_entry_is_refused()
    {
        var reader = new RtcpCompoundReader(Hex.Bytes("84 ce 00 03  01 02 03 04  00 00 00 00  05 06 07 08"));
        reader.TryReadNext(out var rtcp);

        Assert.That(RtcpFullIntraRequest.TryRead(rtcp, out _), Is.False);
    }

    [Test]
    public void A_remb_of_one_megabit_is_read_from_exponent_and_mantissa()
    {
        // 1,000,000 = 250,000 (0x3D090) << 2: byte 13 = exp 2 << 2 | 0x3, then 0xD0 0x90.
        var packet = Hex.Bytes("8f ce 00 05  00 00 00 01  00 00 00 00  52 45 4d 42  01 0b d0 90  0a 0b 0c 0d");
        var reader = new RtcpCompoundReader(packet);
        reader.TryReadNext(out var rtcp);

        Assert.That(RtcpRemb.TryRead(rtcp, out var remb), Is.True);
        Assert.That(remb.Bitrate, Is.EqualTo(1_000_000ul));
        Assert.That(remb.SsrcCount, Is.EqualTo(1));
        Assert.That(remb.GetSsrc(0), Is.EqualTo(0x0A0B0C0Du));
    }

    [Test]
    public void A_remb_with_a_huge_exponent_saturates_and_one_claiming_too_many_ssrcs_is_refused()
    {
        var huge = Hex.Bytes("8f ce 00 04  00 00 00 01  00 00 00 00  52 45 4d 42  00 ff ff ff");
        var reader = new RtcpCompoundReader(huge);
        reader.TryReadNext(out var rtcp);
        Assert.That(RtcpRemb.TryRead(rtcp, out var remb), Is.True);
        Assert.That(remb.Bitrate, Is.EqualTo(ulong.MaxValue));

        var tooMany = Hex.Bytes("8f ce 00 04  00 00 00 01  00 00 00 00  52 45 4d 42  02 0b d0 90");
        reader = new RtcpCompoundReader(tooMany);
        reader.TryReadNext(out rtcp);
        Assert.That(RtcpRemb.TryRead(rtcp, out _), Is.False);
    }

    [Test]
    public void The_receiver_report_writer_reproduces_the_known_bytes()
    {
        var block = new RtcpReportBlock(0x22222222, 0x40, -1, 0x00010005, 0x20, 0x12345678, 0x00010000);
        var buffer = new byte[64];

        Assert.That(RtcpWriter.TryWriteReceiverReport(buffer, 0x11111111, [block], out var written), Is.True);

        Assert.That(buffer[..written], Is.EqualTo(ReceiverReport));
    }

    [Test]
    public void The_sender_report_writer_reproduces_the_known_bytes_and_carries_blocks()
    {
        var buffer = new byte[128];

        Assert.That(RtcpWriter.TryWriteSenderReport(buffer, 0x01020304, 0xE8F1A2B3C4D5E6F7, 1000, 10, 1200, [], out var written), Is.True);
        Assert.That(buffer[..written], Is.EqualTo(SenderReport));

        var block = new RtcpReportBlock(7, 1, 8_388_607, 2, 3, 4, 5);
        RtcpWriter.TryWriteSenderReport(buffer, 1, 2, 3, 4, 5, [block, block with { Ssrc = 8, CumulativeLost = -8_388_608 }], out written);
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
        reader.TryReadNext(out var rtcp);
        Assert.That(RtcpSenderReport.TryRead(rtcp, out var sr), Is.True);
        Assert.That(sr.ReportBlockCount, Is.EqualTo(2));
        Assert.That(sr.GetReportBlock(0), Is.EqualTo(block));
        Assert.That(sr.GetReportBlock(1).CumulativeLost, Is.EqualTo(-8_388_608));
    }

    [Test]
    public void Cumulative_loss_beyond_24_bits_is_clamped()
    {
        var buffer = new byte[64];
        RtcpWriter.TryWriteReceiverReport(buffer, 1, [new RtcpReportBlock(2, 0, int.MaxValue, 0, 0, 0, 0)], out var written);
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
        reader.TryReadNext(out var rtcp);
        RtcpReceiverReport.TryRead(rtcp, out var rr);

        Assert.That(rr.GetReportBlock(0).CumulativeLost, Is.EqualTo(0x7FFFFF));
    }

    [Test]
    public void Report_writers_refuse_more_than_31_blocks_and_small_buffers()
    {
        var blocks = new RtcpReportBlock[32];

        Assert.That(RtcpWriter.TryWriteReceiverReport(new byte[2048], 1, blocks, out _), Is.False);
        Assert.That(RtcpWriter.TryWriteReceiverReport(new byte[2048], 1, blocks.AsSpan(0, 31), out var written), Is.True);
        Assert.That(written, Is.EqualTo(8 + (31 * 24)));
        Assert.That(RtcpWriter.TryWriteReceiverReport(new byte[31], 1, blocks.AsSpan(0, 1), out _), Is.False);
        Assert.That(RtcpWriter.TryWriteSenderReport(new byte[27], 1, 2, 3, 4, 5, [], out _), Is.False);
    }

    [Test]
    public void Every_truncation_of_a_compound_packet_is_refused_or_read_within_bounds()
    {
        var compound = SenderReport.Concat(SourceDescription).Concat(Goodbye).Concat(ReceiverReport).ToArray();
        var boundaries = new HashSet<int> { 0, 28, 40, 52, 84 };

        for (var length = 1; length < compound.Length; length++)
        {
            var result = RtcpCompoundReader.Validate(compound.AsSpan(0, length));

            if (boundaries.Contains(length))
            {
                Assert.That(result, Is.EqualTo(RtcpParseResult.Ok), $"prefix of {length} bytes");
            }
            else
            {
                Assert.That(result, Is.EqualTo(RtcpParseResult.LengthOverrun).Or.EqualTo(RtcpParseResult.TooShort), $"prefix of {length} bytes");
            }
        }
    }

    private static List<ushort> Lost(RtcpGenericNack nack)
    {
        var lost = new List<ushort>();
        foreach (var sequence in nack)
        {
            lost.Add(sequence);
        }

        return lost;
    }
}
