using System.Buffers.Binary;
using System.Net;
using Appliance.Media.Demux;
using Appliance.Media.Ice;
using Appliance.Media.Rtp;
using Appliance.Media.Stun;
using Appliance.Media.Tests.Ice;
using Appliance.Media.Tests.Stun;

namespace Appliance.Media.Tests;

/// <summary>
/// Seeded garbage through every per-packet reader. A datagram from the network must never throw: the
/// receive loop is shared by all peers, and an exception there is a denial of service.
/// </summary>
public class FuzzTests
{
    private const int Datagrams = 20_000;

    [TestCase(0x5EED_0001UL)]
    [TestCase(0xC0FF_EE00_1234_5678UL)]
    public void Twenty_thousand_garbage_datagrams_never_throw_and_reach_every_layer(ulong seed)
    {
        var random = new XorShift(seed);
        var clock = new ManualClock();
        var agent = new IceLiteAgent(new IceCredentials("evtj", Rfc5769Vectors.Password), "h6vY", clock);
        var directory = new IceCredentialDirectory();
        directory.Register(agent);
        var peer = TransportAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 5000));
        var seeds = new[]
        {
            Rfc5769Vectors.SampleRequest,
            Rfc5769Vectors.SampleIPv4Response,
            Rfc5769Vectors.SampleIPv6Response,
            Rfc5769Vectors.SampleRequestLongTermAuthentication,
            new CheckBuilder("evtj:h6vY", Rfc5769Vectors.Password) { UseCandidate = true }.Build(),
            Hex.Bytes("92 e0 ff ff ff ff ff ff 00 00 00 01 00 00 00 02 00 00 00 03 be de 00 02 10 aa 22 01 02 03 00 00 c0 c1"),
            Hex.Bytes("81 cd 00 04 00 00 00 01 00 00 00 02 12 34 00 05 ff ff 80 01 81 c9 00 01 11 11 11 11"),
        };
        var datagram = new byte[1600];
        var response = new byte[128];
        var stunParsed = 0;
        var checksAnswered = 0;
        var rtpParsed = 0;
        var rtcpPackets = 0;

        for (var i = 0; i < Datagrams; i++)
        {
            var length = Shape(random, seeds, datagram);
            var packet = datagram.AsSpan(0, length);

            if (StunMessage.Parse(packet, out var message) == StunParseResult.Ok)
            {
                stunParsed++;
                Exercise(message);
            }

            if (agent.HandleBindingRequest(packet, peer, clock.After(i), response, out var responseLength) is not (IceCheckResult.Dropped or IceCheckResult.Ignored))
            {
                checksAnswered++;
                Assert.That(StunMessage.Parse(response.AsSpan(0, responseLength), out _), Is.EqualTo(StunParseResult.Ok));
            }

            directory.HandleBindingRequest(packet, peer, clock.After(i), response, out _, out _);
            PacketDemultiplexer.Classify(packet);

            if (RtpHeader.Read(packet, out var header) == RtpParseResult.Ok)
            {
                rtpParsed++;
                foreach (var element in header.EnumerateExtensions(packet))
                {
                    AudioLevel.TryRead(element.Value, out _);
                }

                header.TryGetPayload(packet, out _);
                for (var c = 0; c < header.CsrcCount; c++)
                {
                    header.GetCsrc(packet, c);
                }
            }

            var reader = new RtcpCompoundReader(packet);
            while (reader.TryReadNext(out var rtcp))
            {
                rtcpPackets++;
                Exercise(rtcp);
            }
        }

        // The shaping must reach past the first checks of each reader, or the loop proves little.
        Assert.That(stunParsed, Is.GreaterThan(Datagrams / 10));
        Assert.That(checksAnswered, Is.GreaterThan(Datagrams / 50));
        Assert.That(rtpParsed, Is.GreaterThan(Datagrams / 10));
        Assert.That(rtcpPackets, Is.GreaterThan(Datagrams / 20));
    }

    // Fills datagram with one of: pure noise; a STUN header with a consistent length and random TLVs;
    // a seed with bits flipped; a seed with bits flipped and its FINGERPRINT fixed; a seed cut short or
    // extended; returns its length.
    private static int Shape(XorShift random, byte[][] seeds, byte[] datagram)
    {
        switch (random.Below(6))
        {
            case 0:
            {
                var length = random.Below(datagram.Length + 1);
                random.Fill(datagram.AsSpan(0, length));
                return length;
            }

            case 1:
            {
                var length = 20 + (4 * random.Below(40));
                random.Fill(datagram.AsSpan(0, length));
                datagram[0] &= 0x01;
                BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)(length - 20));
                BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(4), StunConstants.MagicCookie);
                for (var offset = 20; offset + 4 <= length;)
                {
                    var valueLength = random.Below(3) == 0 ? random.Below(65536) : random.Below(Math.Max(1, length - offset - 3));
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(offset), PickAttributeType(random));
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(offset + 2), (ushort)valueLength);
                    offset += 4 + ((valueLength + 3) & ~3);
                }

                return length;
            }

            case 2:
            {
                var seed = seeds[random.Below(seeds.Length)];
                seed.CopyTo(datagram, 0);
                var flips = 1 + random.Below(4);
                for (var f = 0; f < flips; f++)
                {
                    datagram[random.Below(seed.Length)] ^= (byte)(1 << random.Below(8));
                }

                return seed.Length;
            }

            case 3:
            {
                var seed = seeds[random.Below(seeds.Length)];
                seed.CopyTo(datagram, 0);
                return random.Below(seed.Length + 1);
            }

            case 4:
            {
                // Flip a byte inside the message and make FINGERPRINT right again, so that the damage
                // reaches the attribute walk and MESSAGE-INTEGRITY instead of stopping at the checksum.
                var seed = seeds[random.Below(seeds.Length)];
                seed.CopyTo(datagram, 0);
                var message = datagram.AsSpan(0, seed.Length);
                if (message.Length > 28 && BinaryPrimitives.ReadUInt32BigEndian(message[^8..]) == 0x80280004)
                {
                    message[20 + random.Below(message.Length - 28)] ^= (byte)(1 << random.Below(8));
                    BinaryPrimitives.WriteUInt32BigEndian(
                        message[^4..], Crc32.Compute(message[..^8]) ^ StunConstants.FingerprintXor);
                }

                return seed.Length;
            }

            default:
            {
                var seed = seeds[random.Below(seeds.Length)];
                seed.CopyTo(datagram, 0);
                var extra = random.Below(64);
                random.Fill(datagram.AsSpan(seed.Length, extra));
                return seed.Length + extra;
            }
        }
    }

    private static ushort PickAttributeType(XorShift random)
    {
        ReadOnlySpan<ushort> known = [0x0006, 0x0008, 0x0009, 0x001C, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802A, 0x0003];
        return random.Below(4) == 0 ? (ushort)random.Next() : known[random.Below(known.Length)];
    }

    private static void Exercise(in StunMessage message)
    {
        message.VerifyFingerprint();
        message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt"u8);
        message.VerifyMessageIntegritySha256("VOkJxbRl1RmTxUk/WvJxBt"u8);
        message.TryGetXorMappedAddress(out _);
        message.TryGetErrorCode(out _, out _);
        Span<ushort> unknown = stackalloc ushort[StunMessage.MaxReportedUnknownAttributes];
        message.CopyUnknownComprehensionRequired(unknown);
        foreach (var attribute in message.EnumerateAttributes())
        {
            _ = attribute.Value.Length;
        }
    }

    private static void Exercise(in RtcpPacket rtcp)
    {
        if (RtcpSenderReport.TryRead(rtcp, out var sr))
        {
            for (var b = 0; b < sr.ReportBlockCount; b++)
            {
                sr.GetReportBlock(b);
            }
        }

        if (RtcpReceiverReport.TryRead(rtcp, out var rr))
        {
            for (var b = 0; b < rr.ReportBlockCount; b++)
            {
                rr.GetReportBlock(b);
            }
        }

        if (RtcpGoodbye.TryRead(rtcp, out var bye))
        {
            for (var s = 0; s < bye.SourceCount; s++)
            {
                bye.GetSource(s);
            }
        }

        if (RtcpGenericNack.TryRead(rtcp, out var nack))
        {
            foreach (var lost in nack)
            {
                _ = lost;
            }
        }

        if (RtcpFullIntraRequest.TryRead(rtcp, out var fir))
        {
            for (var e = 0; e < fir.EntryCount; e++)
            {
                fir.GetEntry(e);
            }
        }

        if (RtcpRemb.TryRead(rtcp, out var remb))
        {
            for (var s = 0; s < remb.SsrcCount; s++)
            {
                remb.GetSsrc(s);
            }
        }

        RtcpPictureLossIndication.TryRead(rtcp, out _);
    }
}
