using Appliance.Crypto.Aead;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

/// <summary>RFC 7714's examples, through the AES-GCM this CPU gets by default and through the forced fallback.</summary>
[TestFixture("Fastest")]
[TestFixture("Platform")]
public class Rfc7714VectorTests(string implementation)
{
    private readonly AesGcmImplementation _implementation = Enum.Parse<AesGcmImplementation>(implementation);

    private SrtpSession Session(SrtpDirection direction)
    {
        var key = Hex.Parse(Rfc7714Vectors.SessionKey);
        var salt = Hex.Parse(Rfc7714Vectors.SessionSalt);
        return new SrtpSession(new AeadAesGcmTransform(key, salt, key, salt, _implementation), SrtpProfile.AeadAes128Gcm, direction);
    }

    [Test]
    public void RTP_IV_matches_RFC_7714_section_16_1_1()
    {
        Span<byte> nonce = stackalloc byte[12];

        AeadAesGcmTransform.WriteRtpNonce(
            Hex.Parse(Rfc7714Vectors.SessionSalt), Rfc7714Vectors.RtpSsrc, Rfc7714Vectors.RtpSequenceNumber, nonce);

        Assert.That(Hex.Format(nonce), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.RtpIv))));
    }

    [Test]
    public void SRTCP_IV_matches_RFC_7714_section_17()
    {
        Span<byte> nonce = stackalloc byte[12];

        AeadAesGcmTransform.WriteRtcpNonce(Hex.Parse(Rfc7714Vectors.SessionSalt), ssrc: 0x4d617273, Rfc7714Vectors.SrtcpIndex, nonce);

        Assert.That(Hex.Format(nonce), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.RtcpIv))));
    }

    [Test]
    public void Protecting_the_RTP_packet_gives_RFC_7714_section_16_1_1()
    {
        using var sender = Session(SrtpDirection.Send);
        var plain = Hex.Parse(Rfc7714Vectors.RtpPacket);
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);

        Assert.That(sender.TryProtectRtp(buffer, plain.Length, out var length), Is.True);
        Assert.That(Hex.Format(buffer.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.ProtectedRtpPacket))));
    }

    [Test]
    public void Unprotecting_the_SRTP_packet_gives_back_the_RTP_packet_of_RFC_7714_section_16_1_2()
    {
        using var receiver = Session(SrtpDirection.Receive);
        var packet = Hex.Parse(Rfc7714Vectors.ProtectedRtpPacket);

        Assert.That(receiver.UnprotectRtp(packet, out var length), Is.EqualTo(SrtpResult.Ok));
        Assert.That(Hex.Format(packet.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.RtpPacket))));
    }

    [Test]
    public void Encrypting_the_RTCP_packet_gives_RFC_7714_section_17_1()
    {
        using var sender = Session(SrtpDirection.Send);
        var plain = Hex.Parse(Rfc7714Vectors.RtcpPacket);
        var buffer = new byte[plain.Length + 20];
        plain.CopyTo(buffer, 0);

        Assert.That(sender.TryProtectRtcp(buffer, plain.Length, Rfc7714Vectors.SrtcpIndex, encrypt: true, out var length), Is.True);
        Assert.That(Hex.Format(buffer.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.EncryptedRtcpPacket))));
    }

    [Test]
    public void Decrypting_the_SRTCP_packet_of_RFC_7714_section_17_1_gives_back_the_RTCP_packet()
    {
        using var receiver = Session(SrtpDirection.Receive);
        var packet = Hex.Parse(Rfc7714Vectors.EncryptedRtcpPacket);

        Assert.That(receiver.UnprotectRtcp(packet, out var length), Is.EqualTo(SrtpResult.Ok));
        Assert.That(Hex.Format(packet.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.RtcpPacket))));
    }

    [Test]
    public void Tagging_the_RTCP_packet_without_encryption_gives_RFC_7714_section_17_3()
    {
        using var sender = Session(SrtpDirection.Send);
        var plain = Hex.Parse(Rfc7714Vectors.RtcpPacket);
        var buffer = new byte[plain.Length + 20];
        plain.CopyTo(buffer, 0);

        Assert.That(sender.TryProtectRtcp(buffer, plain.Length, Rfc7714Vectors.SrtcpIndex, encrypt: false, out var length), Is.True);
        Assert.That(Hex.Format(buffer.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.TaggedRtcpPacket))));
    }

    [Test]
    public void Verifying_the_tagged_SRTCP_packet_of_RFC_7714_section_17_3_gives_back_the_RTCP_packet()
    {
        using var receiver = Session(SrtpDirection.Receive);
        var packet = Hex.Parse(Rfc7714Vectors.TaggedRtcpPacket);

        Assert.That(receiver.UnprotectRtcp(packet, out var length), Is.EqualTo(SrtpResult.Ok));
        Assert.That(Hex.Format(packet.AsSpan(0, length)), Is.EqualTo(Hex.Format(Hex.Parse(Rfc7714Vectors.RtcpPacket))));
    }

    [TestCase(Rfc7714Vectors.ProtectedRtpPacket, false)]
    [TestCase(Rfc7714Vectors.EncryptedRtcpPacket, true)]
    [TestCase(Rfc7714Vectors.TaggedRtcpPacket, true)]
    public void Each_vector_fails_authentication_with_any_bit_of_its_tag_flipped(string vector, bool isRtcp)
    {
        var original = Hex.Parse(vector);
        var tagStart = isRtcp ? original.Length - 20 : original.Length - 16;
        for (var bit = 0; bit < 16 * 8; bit++)
        {
            using var receiver = Session(SrtpDirection.Receive);
            var packet = (byte[])original.Clone();
            packet[tagStart + (bit / 8)] ^= (byte)(1 << (bit % 8));

            var result = isRtcp ? receiver.UnprotectRtcp(packet, out _) : receiver.UnprotectRtp(packet, out _);

            Assert.That(result, Is.EqualTo(SrtpResult.AuthenticationFailed), $"tag bit {bit}");
        }
    }
}
