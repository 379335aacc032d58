using Appliance.Media.Demux;

namespace Appliance.Media.Tests.Demux;

public class PacketDemultiplexerTests
{
    // RFC 7983 §7 ranges of the first byte, at each edge, and RFC 5761 §4 for RTP against RTCP.
    [TestCase(0, 0x00, PacketKind.Stun)]
    [TestCase(3, 0x00, PacketKind.Stun)]
    [TestCase(4, 0x00, PacketKind.Unknown)]
    [TestCase(16, 0x00, PacketKind.Unknown)] // ZRTP
    [TestCase(19, 0x00, PacketKind.Unknown)]
    [TestCase(20, 0x00, PacketKind.Dtls)] // change_cipher_spec
    [TestCase(22, 0xFE, PacketKind.Dtls)] // handshake, DTLS 1.2
    [TestCase(63, 0x00, PacketKind.Dtls)]
    [TestCase(64, 0x00, PacketKind.Unknown)] // TURN channel
    [TestCase(79, 0x00, PacketKind.Unknown)]
    [TestCase(127, 0x00, PacketKind.Unknown)]
    [TestCase(128, 96, PacketKind.Rtp)] // payload type 96
    [TestCase(128, 111 | 0x80, PacketKind.Rtp)] // payload type 111 with the marker bit
    [TestCase(128, 191, PacketKind.Rtp)] // payload type 63 with the marker bit
    [TestCase(128, 192, PacketKind.Rtcp)] // FIR of RFC 2032
    [TestCase(128, 200, PacketKind.Rtcp)] // SR
    [TestCase(129, 201, PacketKind.Rtcp)] // RR
    [TestCase(129, 205, PacketKind.Rtcp)] // RTPFB
    [TestCase(129, 206, PacketKind.Rtcp)] // PSFB
    [TestCase(191, 223, PacketKind.Rtcp)]
    [TestCase(128, 224, PacketKind.Rtp)] // payload type 96 with the marker bit
    [TestCase(191, 0, PacketKind.Rtp)]
    [TestCase(192, 200, PacketKind.Unknown)]
    [TestCase(255, 255, PacketKind.Unknown)]
    public void The_first_bytes_decide_the_kind(int first, int second, PacketKind expected)
    {
        Assert.That(PacketDemultiplexer.Classify([(byte)first, (byte)second, 0, 0]), Is.EqualTo(expected));
    }

    [Test]
    public void An_empty_datagram_is_unknown()
    {
        Assert.That(PacketDemultiplexer.Classify(ReadOnlySpan<byte>.Empty), Is.EqualTo(PacketKind.Unknown));
    }

    [Test]
    public void A_single_byte_in_the_RTP_range_is_unknown()
    {
        Assert.That(PacketDemultiplexer.Classify([0x80]), Is.EqualTo(PacketKind.Unknown));
    }

    [Test]
    public void The_RFC_5769_sample_request_is_STUN()
    {
        Assert.That(PacketDemultiplexer.Classify(Stun.Rfc5769Vectors.SampleRequest), Is.EqualTo(PacketKind.Stun));
    }

    [Test]
    public void Every_first_byte_maps_to_exactly_the_RFC_7983_range()
    {
        for (var first = 0; first < 256; first++)
        {
            var kind = PacketDemultiplexer.Classify([(byte)first, 96]);
            var expected = first switch
            {
                <= 3 => PacketKind.Stun,
                >= 20 and <= 63 => PacketKind.Dtls,
                >= 128 and <= 191 => PacketKind.Rtp,
                _ => PacketKind.Unknown,
            };

            Assert.That(kind, Is.EqualTo(expected), $"first byte {first}");
        }
    }
}
