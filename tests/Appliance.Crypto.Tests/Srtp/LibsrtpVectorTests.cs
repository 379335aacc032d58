using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

public class LibsrtpVectorTests
{
    private static readonly object[] Profiles =
    [
        new object[]
        {
            SrtpProfile.AesCm128HmacSha1_80, LibsrtpVectors.AesCmMasterKey, LibsrtpVectors.AesCmMasterSalt,
            LibsrtpVectors.AesCmProtectedRtpPacket, LibsrtpVectors.AesCmProtectedRtcpPacket,
        },
        new object[]
        {
            SrtpProfile.AeadAes128Gcm, LibsrtpVectors.GcmMasterKey, LibsrtpVectors.GcmMasterSalt,
            LibsrtpVectors.GcmProtectedRtpPacket, LibsrtpVectors.GcmProtectedRtcpPacket,
        },
    ];

    [TestCaseSource(nameof(Profiles))]
    public void Protecting_from_the_master_key_gives_libsrtps_reference_packets(
        SrtpProfile profile, string masterKey, string masterSalt, string expectedRtp, string expectedRtcp)
    {
        using var keys = new SrtpKeys(profile, Hex.Parse(masterKey), Hex.Parse(masterSalt));
        using var sender = SrtpSession.ForSending(keys);
        var rtp = Hex.Parse(LibsrtpVectors.RtpPacket);
        var rtcp = Hex.Parse(LibsrtpVectors.RtcpPacket);
        var rtpBuffer = new byte[rtp.Length + profile.RtpOverhead];
        var rtcpBuffer = new byte[rtcp.Length + profile.RtcpOverhead];
        rtp.CopyTo(rtpBuffer, 0);
        rtcp.CopyTo(rtcpBuffer, 0);

        Assert.That(sender.TryProtectRtp(rtpBuffer, rtp.Length, out var rtpLength), Is.True);
        Assert.That(sender.TryProtectRtcp(rtcpBuffer, rtcp.Length, LibsrtpVectors.SrtcpIndex, encrypt: true, out var rtcpLength), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(Hex.Format(rtpBuffer.AsSpan(0, rtpLength)), Is.EqualTo(Hex.Format(Hex.Parse(expectedRtp))));
            Assert.That(Hex.Format(rtcpBuffer.AsSpan(0, rtcpLength)), Is.EqualTo(Hex.Format(Hex.Parse(expectedRtcp))));
        });
    }

    [TestCaseSource(nameof(Profiles))]
    public void Unprotecting_libsrtps_reference_packets_gives_back_the_plaintext(
        SrtpProfile profile, string masterKey, string masterSalt, string protectedRtp, string protectedRtcp)
    {
        using var keys = new SrtpKeys(profile, Hex.Parse(masterKey), Hex.Parse(masterSalt));
        using var receiver = SrtpSession.ForReceiving(keys);
        var rtp = Hex.Parse(protectedRtp);
        var rtcp = Hex.Parse(protectedRtcp);

        Assert.Multiple(() =>
        {
            Assert.That(receiver.UnprotectRtp(rtp, out var rtpLength), Is.EqualTo(SrtpResult.Ok));
            Assert.That(Hex.Format(rtp.AsSpan(0, rtpLength)), Is.EqualTo(Hex.Format(Hex.Parse(LibsrtpVectors.RtpPacket))));
            Assert.That(receiver.UnprotectRtcp(rtcp, out var rtcpLength), Is.EqualTo(SrtpResult.Ok));
            Assert.That(Hex.Format(rtcp.AsSpan(0, rtcpLength)), Is.EqualTo(Hex.Format(Hex.Parse(LibsrtpVectors.RtcpPacket))));
        });
    }
}
