using Appliance.Media.Rtp;

namespace Appliance.Media.Tests.Rtp;

public class RtpHeaderTests
{
    // V=2, no padding, no extension, CC=0, M=0, PT=111, seq 0x1234, timestamp 1000, SSRC 0xDEADBEEF, 3 bytes payload.
    private static readonly byte[] Plain = Hex.Bytes("80 6f 12 34 00 00 03 e8 de ad be ef  01 02 03");

    // V=2, X=1, CC=2, M=1, PT=96, seq 65535, timestamp 0xFFFFFFFF, SSRC 1, CSRCs 2 and 3, then a one-byte
    // extension (RFC 8285 §4.2) of two words: id 1 len 1 value AA (audio level: V=1, 42), id 2 len 3
    // value 01 02 03, two padding bytes; then a 2-byte payload.
    private static readonly byte[] WithOneByteExtension = Hex.Bytes("""
        92 e0 ff ff  ff ff ff ff  00 00 00 01
        00 00 00 02  00 00 00 03
        be de 00 02  10 aa 22 01  02 03 00 00
        c0 c1
        """);

    // Two-byte extension (RFC 8285 §4.3), profile 0x1000: id 1 len 1 AA, a padding byte, id 5 len 2 01 02,
    // id 7 len 0, id 200 len 1 FF, three padding bytes: 16 bytes = 4 words; then a 1-byte payload.
    private static readonly byte[] WithTwoByteExtension = Hex.Bytes("""
        90 60 00 01  00 00 00 01  00 00 00 01
        10 00 00 04  01 01 aa 00  05 02 01 02  07 00 c8 01  ff 00 00 00
        d0
        """);

    [Test]
    public void The_fixed_header_fields_are_read()
    {
        Assert.That(RtpHeader.Read(Plain, out var header), Is.EqualTo(RtpParseResult.Ok));

        Assert.That(header.Version, Is.EqualTo(2));
        Assert.That(header.HasPadding, Is.False);
        Assert.That(header.HasExtension, Is.False);
        Assert.That(header.CsrcCount, Is.Zero);
        Assert.That(header.Marker, Is.False);
        Assert.That(header.PayloadType, Is.EqualTo(111));
        Assert.That(header.SequenceNumber, Is.EqualTo(0x1234));
        Assert.That(header.Timestamp, Is.EqualTo(1000u));
        Assert.That(header.Ssrc, Is.EqualTo(0xDEADBEEFu));
        Assert.That(header.PayloadOffset, Is.EqualTo(12));
        Assert.That(header.TryGetPayload(Plain, out var payload), Is.True);
        Assert.That(payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Csrcs_marker_and_a_one_byte_extension_are_read()
    {
        Assert.That(RtpHeader.Read(WithOneByteExtension, out var header), Is.EqualTo(RtpParseResult.Ok));

        Assert.That(header.Marker, Is.True);
        Assert.That(header.PayloadType, Is.EqualTo(96));
        Assert.That(header.SequenceNumber, Is.EqualTo(65535));
        Assert.That(header.Timestamp, Is.EqualTo(uint.MaxValue));
        Assert.That(header.CsrcCount, Is.EqualTo(2));
        Assert.That(header.GetCsrc(WithOneByteExtension, 0), Is.EqualTo(2u));
        Assert.That(header.GetCsrc(WithOneByteExtension, 1), Is.EqualTo(3u));
        Assert.That(header.HasOneByteExtensions, Is.True);
        Assert.That(header.ExtensionProfile, Is.EqualTo(0xBEDE));
        Assert.That(header.ExtensionOffset, Is.EqualTo(24));
        Assert.That(header.ExtensionLength, Is.EqualTo(8));
        Assert.That(header.PayloadOffset, Is.EqualTo(32));
        Assert.That(header.TryGetExtension(WithOneByteExtension, 1, out var one), Is.True);
        Assert.That(one.ToArray(), Is.EqualTo(new byte[] { 0xAA }));
        Assert.That(header.TryGetExtension(WithOneByteExtension, 2, out var two), Is.True);
        Assert.That(two.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(header.TryGetExtension(WithOneByteExtension, 3, out _), Is.False);
    }

    [Test]
    public void The_audio_level_of_RFC_6464_is_read_from_its_extension()
    {
        RtpHeader.Read(WithOneByteExtension, out var header);

        Assert.That(header.TryGetAudioLevel(WithOneByteExtension, 1, out var level), Is.True);
        Assert.That(level, Is.EqualTo(new AudioLevel(VoiceActivity: true, Level: 42)));
        Assert.That(header.TryGetAudioLevel(WithOneByteExtension, 9, out _), Is.False);
    }

    [TestCase(0x00, false, 0)]
    [TestCase(0x7F, false, 127)]
    [TestCase(0x80, true, 0)]
    [TestCase(0xFF, true, 127)]
    [TestCase(0x9E, true, 30)]
    public void Audio_level_is_the_V_bit_and_seven_bits_of_minus_dBov(int value, bool voice, int level)
    {
        Assert.That(AudioLevel.TryRead([(byte)value], out var read), Is.True);
        Assert.That(read, Is.EqualTo(new AudioLevel(voice, level)));
    }

    [Test]
    public void An_empty_audio_level_value_is_refused()
    {
        Assert.That(AudioLevel.TryRead(ReadOnlySpan<byte>.Empty, out _), Is.False);
    }

    [Test]
    public void A_two_byte_extension_is_read_with_padding_and_a_zero_length_element()
    {
        Assert.That(RtpHeader.Read(WithTwoByteExtension, out var header), Is.EqualTo(RtpParseResult.Ok));
        Assert.That(header.HasTwoByteExtensions, Is.True);

        var seen = new List<(int Id, byte[] Value)>();
        foreach (var element in header.EnumerateExtensions(WithTwoByteExtension))
        {
            seen.Add((element.Id, element.Value.ToArray()));
        }

        Assert.That(seen.Select(e => e.Id).ToArray(), Is.EqualTo(new[] { 1, 5, 7, 200 }));
        Assert.That(seen[0].Value, Is.EqualTo(new byte[] { 0xAA }));
        Assert.That(seen[1].Value, Is.EqualTo(new byte[] { 1, 2 }));
        Assert.That(seen[2].Value, Is.Empty);
        Assert.That(seen[3].Value, Is.EqualTo(new byte[] { 0xFF }));
        Assert.That(header.PayloadOffset, Is.EqualTo(32));
    }

    [Test]
    public void A_two_byte_extension_profile_may_carry_app_bits()
    {
        var packet = (byte[])WithTwoByteExtension.Clone();
        packet[13] = 0x0F; // profile 0x100F

        RtpHeader.Read(packet, out var header);

        Assert.That(header.HasTwoByteExtensions, Is.True);
        Assert.That(header.TryGetExtension(packet, 5, out _), Is.True);
    }

    [Test]
    public void One_byte_id_15_stops_processing_of_the_extension()
    {
        var packet = Hex.Bytes("90 60 00 01 00 00 00 01 00 00 00 01  be de 00 01  f0 10 aa 00");

        RtpHeader.Read(packet, out var header);

        Assert.That(header.TryGetExtension(packet, 1, out _), Is.False);
    }

    [Test]
    public void An_element_longer_than_the_extension_ends_the_walk()
    {
        // id 1 claims 16 bytes in a 4-byte extension.
        var packet = Hex.Bytes("90 60 00 01 00 00 00 01 00 00 00 01  be de 00 01  1f aa 00 00");

        RtpHeader.Read(packet, out var header);

        Assert.That(header.TryGetExtension(packet, 1, out _), Is.False);
    }

    [Test]
    public void Another_extension_profile_has_no_elements()
    {
        var packet = Hex.Bytes("90 60 00 01 00 00 00 01 00 00 00 01  ab cd 00 01  10 aa 00 00");

        RtpHeader.Read(packet, out var header);

        Assert.That(header.HasExtension, Is.True);
        Assert.That(header.ExtensionProfile, Is.EqualTo(0xABCD));
        Assert.That(header.TryGetExtension(packet, 1, out _), Is.False);
        Assert.That(header.PayloadOffset, Is.EqualTo(20));
    }

    [Test]
    public void Padding_is_removed_from_a_decrypted_payload()
    {
        var packet = Hex.Bytes("a0 6f 12 34 00 00 03 e8 de ad be ef  01 02 03  00 00 03");

        RtpHeader.Read(packet, out var header);

        Assert.That(header.HasPadding, Is.True);
        Assert.That(header.TryGetPayload(packet, out var payload), Is.True);
        Assert.That(payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [TestCase("a0 6f 12 34 00 00 03 e8 de ad be ef  01 02 03 00", TestName = "A_padding_count_of_zero_is_refused")]
    [TestCase("a0 6f 12 34 00 00 03 e8 de ad be ef  01 02 05", TestName = "A_padding_count_beyond_the_payload_is_refused")]
    [TestCase("a0 6f 12 34 00 00 03 e8 de ad be ef", TestName = "Padding_on_an_empty_payload_is_refused")]
    public void Bad_padding_is_refused(string hex)
    {
        var packet = Hex.Bytes(hex);

        Assert.That(RtpHeader.Read(packet, out var header), Is.EqualTo(RtpParseResult.Ok));
        Assert.That(header.TryGetPayload(packet, out _), Is.False);
    }

    [Test]
    public void Reading_does_not_trust_the_last_byte_as_padding()
    {
        // In SRTP the last bytes are the authentication tag, so an unlikely "padding count" must not fail the header.
        var packet = Hex.Bytes("a0 6f 12 34 00 00 03 e8 de ad be ef  01 02 ff");

        Assert.That(RtpHeader.Read(packet, out var header), Is.EqualTo(RtpParseResult.Ok));
        Assert.That(header.PayloadOffset, Is.EqualTo(12));
    }

    [TestCase("80 6f 12 34 00 00 03 e8 de ad be", RtpParseResult.TooShort)]
    [TestCase("40 6f 12 34 00 00 03 e8 de ad be ef", RtpParseResult.BadVersion)]
    [TestCase("c0 6f 12 34 00 00 03 e8 de ad be ef", RtpParseResult.BadVersion)]
    [TestCase("81 6f 12 34 00 00 03 e8 de ad be ef 00 00 00", RtpParseResult.CsrcOverrun)]
    [TestCase("8f 6f 12 34 00 00 03 e8 de ad be ef", RtpParseResult.CsrcOverrun)]
    [TestCase("90 6f 12 34 00 00 03 e8 de ad be ef be de", RtpParseResult.ExtensionOverrun)]
    [TestCase("90 6f 12 34 00 00 03 e8 de ad be ef be de 00 01 10 aa", RtpParseResult.ExtensionOverrun)]
    [TestCase("90 6f 12 34 00 00 03 e8 de ad be ef be de ff ff 10 aa 00 00", RtpParseResult.ExtensionOverrun)]
    public void Malformed_headers_are_refused_with_their_reason(string hex, RtpParseResult expected)
    {
        Assert.That(RtpHeader.Read(Hex.Bytes(hex), out _), Is.EqualTo(expected));
    }

    [Test]
    public void Every_truncation_short_of_the_header_is_refused_and_every_other_reads_the_same_header()
    {
        foreach (var packet in new[] { Plain, WithOneByteExtension, WithTwoByteExtension })
        {
            RtpHeader.Read(packet, out var full);
            for (var length = 0; length <= packet.Length; length++)
            {
                var prefix = packet.AsSpan(0, length);
                var result = RtpHeader.Read(prefix, out var header);

                if (length < full.PayloadOffset)
                {
                    Assert.That(result, Is.Not.EqualTo(RtpParseResult.Ok), $"prefix of {length} bytes");
                }
                else
                {
                    Assert.That(result, Is.EqualTo(RtpParseResult.Ok), $"prefix of {length} bytes");
                    Assert.That(header, Is.EqualTo(full));
                }
            }
        }
    }

    [Test]
    public void A_header_read_from_a_packet_is_not_used_past_a_shorter_packet()
    {
        RtpHeader.Read(WithOneByteExtension, out var header);

        Assert.That(header.TryGetExtension(WithOneByteExtension.AsSpan(0, 20), 1, out _), Is.False);
        Assert.That(header.TryGetPayload(WithOneByteExtension.AsSpan(0, 20), out _), Is.False);
    }
}
