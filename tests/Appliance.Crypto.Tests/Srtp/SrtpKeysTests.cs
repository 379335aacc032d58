using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

public class SrtpKeysTests
{
    [TestCase(SrtpProfile.AesCm128HmacSha1_80, 16, 14, 10, 10, 14, 60)]
    [TestCase(SrtpProfile.AeadAes128Gcm, 16, 12, 16, 16, 20, 56)]
    public void Profile_parameters_are_those_of_RFC_5764_and_RFC_7714(
        SrtpProfile profile, int keyLength, int saltLength, int tagLength, int rtpOverhead, int rtcpOverhead, int exportLength)
    {
        Assert.Multiple(() =>
        {
            Assert.That(profile.MasterKeyLength, Is.EqualTo(keyLength));
            Assert.That(profile.MasterSaltLength, Is.EqualTo(saltLength));
            Assert.That(profile.AuthTagLength, Is.EqualTo(tagLength));
            Assert.That(profile.RtpOverhead, Is.EqualTo(rtpOverhead));
            Assert.That(profile.RtcpOverhead, Is.EqualTo(rtcpOverhead));
            Assert.That(profile.DtlsKeyingMaterialLength, Is.EqualTo(exportLength));
        });
    }

    [TestCase(0x0001, true, SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(0x0007, true, SrtpProfile.AeadAes128Gcm)]
    [TestCase(0x0000, false, default(SrtpProfile))]
    [TestCase(0x0002, false, default(SrtpProfile))]
    [TestCase(0x0008, false, default(SrtpProfile))]
    public void Only_implemented_DTLS_protection_profile_ids_are_recognised(int id, bool known, SrtpProfile expected)
    {
        Assert.That(SrtpProfileParameters.TryFromProtectionProfileId(id, out var profile), Is.EqualTo(known));
        Assert.That(profile, Is.EqualTo(expected));
    }

    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(SrtpProfile.AeadAes128Gcm)]
    public void DTLS_export_is_split_into_client_key_server_key_client_salt_server_salt(SrtpProfile profile)
    {
        // RFC 5764 §4.2: client_write_SRTP_master_key | server_write_SRTP_master_key |
        // client_write_SRTP_master_salt | server_write_SRTP_master_salt.
        var material = new byte[profile.DtlsKeyingMaterialLength];
        for (var i = 0; i < material.Length; i++)
        {
            material[i] = (byte)i;
        }

        var k = profile.MasterKeyLength;
        var s = profile.MasterSaltLength;
        var clientKey = material[..k];
        var serverKey = material[k..(2 * k)];
        var clientSalt = material[(2 * k)..((2 * k) + s)];
        var serverSalt = material[((2 * k) + s)..];

        var (serverSend, serverReceive) = SrtpKeys.FromDtlsExport(material, profile, isServer: true);
        var (clientSend, clientReceive) = SrtpKeys.FromDtlsExport(material, profile, isServer: false);

        Assert.Multiple(() =>
        {
            Assert.That(serverSend.MasterKey.ToArray(), Is.EqualTo(serverKey));
            Assert.That(serverSend.MasterSalt.ToArray(), Is.EqualTo(serverSalt));
            Assert.That(serverReceive.MasterKey.ToArray(), Is.EqualTo(clientKey));
            Assert.That(serverReceive.MasterSalt.ToArray(), Is.EqualTo(clientSalt));
            Assert.That(clientSend.MasterKey.ToArray(), Is.EqualTo(clientKey));
            Assert.That(clientSend.MasterSalt.ToArray(), Is.EqualTo(clientSalt));
            Assert.That(clientReceive.MasterKey.ToArray(), Is.EqualTo(serverKey));
            Assert.That(clientReceive.MasterSalt.ToArray(), Is.EqualTo(serverSalt));
            Assert.That(serverSend.Profile, Is.EqualTo(profile));
        });
    }

    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(SrtpProfile.AeadAes128Gcm)]
    public void What_the_client_sends_the_server_can_read_and_back(SrtpProfile profile)
    {
        var material = new byte[profile.DtlsKeyingMaterialLength];
        new XorShift64(5764).NextBytes(material);
        var (serverSendKeys, serverReceiveKeys) = SrtpKeys.FromDtlsExport(material, profile, isServer: true);
        var (clientSendKeys, clientReceiveKeys) = SrtpKeys.FromDtlsExport(material, profile, isServer: false);
        using var clientSend = SrtpSession.ForSending(clientSendKeys);
        using var serverReceive = SrtpSession.ForReceiving(serverReceiveKeys);
        using var serverSend = SrtpSession.ForSending(serverSendKeys);
        using var clientReceive = SrtpSession.ForReceiving(clientReceiveKeys);
        var packet = TestPackets.Rtp(sequenceNumber: 1, ssrc: 42, payloadLength: 100);

        var upstream = TestPackets.Protect(clientSend, packet);
        var downstream = TestPackets.Protect(serverSend, packet);

        Assert.Multiple(() =>
        {
            Assert.That(serverReceive.UnprotectRtp(upstream, out var upLength), Is.EqualTo(SrtpResult.Ok));
            Assert.That(upstream[..upLength], Is.EqualTo(packet));
            Assert.That(clientReceive.UnprotectRtp(downstream, out var downLength), Is.EqualTo(SrtpResult.Ok));
            Assert.That(downstream[..downLength], Is.EqualTo(packet));
            Assert.That(downstream, Is.Not.EqualTo(upstream), "each direction has its own keys");
        });
    }

    [TestCase(SrtpProfile.AesCm128HmacSha1_80, 59)]
    [TestCase(SrtpProfile.AesCm128HmacSha1_80, 56)]
    [TestCase(SrtpProfile.AeadAes128Gcm, 60)]
    [TestCase(SrtpProfile.AeadAes128Gcm, 0)]
    public void DTLS_export_of_the_wrong_length_is_refused(SrtpProfile profile, int length)
    {
        Assert.That(() => SrtpKeys.FromDtlsExport(new byte[length], profile, isServer: true), Throws.ArgumentException);
    }

    [Test]
    public void Keys_must_fit_their_profile()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SrtpKeys(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14]), Throws.ArgumentException);
            Assert.That(() => new SrtpKeys(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[12]), Throws.ArgumentException);
            Assert.That(() => new SrtpKeys(SrtpProfile.AesCm128HmacSha1_80, new byte[32], new byte[14]), Throws.ArgumentException);
            Assert.That(() => new SrtpKeys((SrtpProfile)2, new byte[16], new byte[14]), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Disposed_keys_are_no_longer_readable()
    {
        var keys = new SrtpKeys(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12]);

        keys.Dispose();

        Assert.That(() => keys.MasterKey.Length, Throws.InstanceOf<ObjectDisposedException>());
    }
}
