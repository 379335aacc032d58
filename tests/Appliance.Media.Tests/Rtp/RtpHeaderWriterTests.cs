using Appliance.Media.Rtp;

namespace Appliance.Media.Tests.Rtp;

public class RtpHeaderWriterTests
{
    [Test]
    public void Rewriting_sets_ssrc_sequence_and_timestamp_and_leaves_everything_else()
    {
        var packet = Hex.Bytes("82 e0 ff ff ff ff ff ff 00 00 00 01 00 00 00 02 00 00 00 03 c0 c1");
        var expected = Hex.Bytes("82 e0 00 07 00 01 00 00 ca fe ba be 00 00 00 02 00 00 00 03 c0 c1");

        Assert.That(RtpHeaderWriter.TryRewrite(packet, 0xCAFEBABE, 7, 0x00010000), Is.True);

        Assert.That(packet, Is.EqualTo(expected));
        RtpHeader.Read(packet, out var header);
        Assert.That(header.Ssrc, Is.EqualTo(0xCAFEBABEu));
        Assert.That(header.SequenceNumber, Is.EqualTo(7));
        Assert.That(header.Timestamp, Is.EqualTo(0x00010000u));
    }

    [Test]
    public void Payload_type_and_marker_are_set_together()
    {
        var packet = Hex.Bytes("80 6f 12 34 00 00 03 e8 de ad be ef");

        Assert.That(RtpHeaderWriter.TrySetPayloadType(packet, 100, marker: true), Is.True);

        Assert.That(packet[1], Is.EqualTo(0x80 | 100));
        Assert.That(RtpHeaderWriter.TrySetPayloadType(packet, 128, marker: false), Is.False);
    }

    [Test]
    public void Packets_that_are_not_RTP_version_2_are_left_alone()
    {
        var shortPacket = new byte[11];
        var stun = (byte[])Stun.Rfc5769Vectors.SampleRequest.Clone();

        Assert.That(RtpHeaderWriter.TryRewrite(shortPacket, 1, 2, 3), Is.False);
        Assert.That(RtpHeaderWriter.TryRewrite(stun, 1, 2, 3), Is.False);
        Assert.That(stun, Is.EqualTo(Stun.Rfc5769Vectors.SampleRequest));
    }
}
