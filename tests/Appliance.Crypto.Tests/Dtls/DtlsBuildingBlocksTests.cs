using System.Reflection;
using Appliance.Crypto.Dtls;

namespace Appliance.Crypto.Tests.Dtls;

public class DtlsBuildingBlocksTests
{
    private const string Fingerprint = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9";

    [TestCase(DtlsSrtpProfiles.Aes128CmHmacSha1Tag80, 16, 14, 60)]
    [TestCase(DtlsSrtpProfiles.Aes128CmHmacSha1Tag32, 16, 14, 60)]
    [TestCase(DtlsSrtpProfiles.AeadAes128Gcm, 16, 12, 56)]
    [TestCase(DtlsSrtpProfiles.AeadAes256Gcm, 32, 12, 88)]
    public void Profiles_have_the_key_and_salt_lengths_of_RFC_3711_and_RFC_7714(int profile, int key, int salt, int keyingMaterial)
    {
        Assert.That(DtlsSrtpProfiles.IsKnown(profile), Is.True);
        Assert.That(DtlsSrtpProfiles.MasterKeyLength(profile), Is.EqualTo(key));
        Assert.That(DtlsSrtpProfiles.MasterSaltLength(profile), Is.EqualTo(salt));
        Assert.That(DtlsSrtpProfiles.KeyingMaterialLength(profile), Is.EqualTo(keyingMaterial));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(0x0009)]
    public void Unknown_profiles_have_no_lengths(int profile)
    {
        Assert.That(DtlsSrtpProfiles.IsKnown(profile), Is.False);
        Assert.That(() => DtlsSrtpProfiles.KeyingMaterialLength(profile), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Preferred_profiles_put_AES_GCM_before_AES_CM()
    {
        Assert.That(DtlsSrtpProfiles.Preferred, Is.EqualTo(new[] { 7, 1 }));
    }

    [Test]
    public void Fingerprint_parses_in_either_case_and_formats_in_uppercase()
    {
        var upper = new byte[32];
        var lower = new byte[32];

        Assert.That(CertificateFingerprint.TryParseSha256(Fingerprint, upper), Is.True);
        Assert.That(CertificateFingerprint.TryParseSha256(Fingerprint.ToLowerInvariant(), lower), Is.True);
        Assert.That(lower, Is.EqualTo(upper));
        Assert.That(upper[0], Is.EqualTo(0x0A));
        Assert.That(upper[31], Is.EqualTo(0xF9));
        Assert.That(CertificateFingerprint.Format(upper), Is.EqualTo(Fingerprint));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9")]
    [TestCase("0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8")]
    [TestCase("0A-1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9")]
    [TestCase("0G:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9")]
    [TestCase("0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9")]
    public void Fingerprint_refuses_anything_but_32_colon_separated_hex_pairs(string? text)
    {
        Assert.That(CertificateFingerprint.TryParseSha256(text, new byte[32]), Is.False);
    }

    [TestCase(new byte[] { 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 2 }, true, TestName = "One handshake record")]
    [TestCase(new byte[] { 22, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 9, 20, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 1 }, true, TestName = "Two records in one datagram")]
    [TestCase(new byte[] { 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 3, 1, 2 }, false, TestName = "Record longer than the datagram")]
    [TestCase(new byte[] { 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 2 }, false, TestName = "Trailing bytes after the last record")]
    [TestCase(new byte[] { 22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1 }, false, TestName = "TLS record version")]
    [TestCase(new byte[] { 22, 0xFE, 0xFD, 0, 0 }, false, TestName = "Shorter than a record header")]
    [TestCase(new byte[] { 0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42, 0, 0, 0, 0, 0, 0, 0, 0 }, false, TestName = "STUN")]
    [TestCase(new byte[] { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, false, TestName = "RTP")]
    [TestCase(new byte[] { 64, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, false, TestName = "First byte above the DTLS range")]
    public void Transport_passes_only_whole_DTLS_records(byte[] datagram, bool passes)
    {
        Assert.That(ChannelDatagramTransport.IsPlausibleRecord(datagram), Is.EqualTo(passes));
    }

    [TestCase(true, 10, TestName = "Transport_waits_in_slices_while_a_handshake_can_be_cancelled")]
    [TestCase(false, 1, TestName = "Transport_waits_once_per_BouncyCastle_wait_after_the_handshake")]
    public void Transport_slices_its_waits_only_during_the_handshake(bool handshaking, int waits)
    {
        using var cancel = new CancellationTokenSource();
        var channel = new SilentChannel();
        var transport = new ChannelDatagramTransport(channel) { HandshakeCancellation = handshaking ? cancel.Token : CancellationToken.None };

        var received = transport.Receive(new byte[64], 0, 64, 1000);

        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(-1), "nothing arrived");
            Assert.That(channel.Waits, Is.EqualTo(waits), "waits on the channel for one 1 s wait of BouncyCastle's");
            Assert.That(channel.WaitedMs, Is.EqualTo(1000), "the whole wait, however sliced");
        });
    }

    /// <summary>A channel on which nothing ever arrives; it counts the waits instead of sleeping through them.</summary>
    private sealed class SilentChannel : IDatagramChannel
    {
        public int Waits { get; private set; }

        public int WaitedMs { get; private set; }

        public int MaxDatagramSize => 1200;

        public int Receive(Span<byte> buffer, int timeoutMs)
        {
            Waits++;
            WaitedMs += timeoutMs;
            return -1;
        }

        public void Send(ReadOnlySpan<byte> datagram)
        {
        }
    }

    [Test]
    public void No_public_signature_of_Appliance_Crypto_exposes_a_BouncyCastle_type()
    {
        const BindingFlags Visible = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var leaks = new List<string>();
        foreach (var type in typeof(DtlsSrtpServer).Assembly.GetExportedTypes())
        {
            Check(type.BaseType, type.FullName!);
            foreach (var implemented in type.GetInterfaces())
            {
                Check(implemented, type.FullName!);
            }

            foreach (var member in type.GetMembers(Visible))
            {
                var where = $"{type.FullName}.{member.Name}";
                switch (member)
                {
                    case MethodBase method when method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly:
                        if (method is MethodInfo info)
                        {
                            Check(info.ReturnType, where);
                        }

                        foreach (var parameter in method.GetParameters())
                        {
                            Check(parameter.ParameterType, where);
                        }

                        break;
                    case FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly:
                        Check(field.FieldType, where);
                        break;
                    case PropertyInfo property when property.GetMethod is { } getter && (getter.IsPublic || getter.IsFamily):
                        Check(property.PropertyType, where);
                        break;
                    default:
                        break;
                }
            }
        }

        Assert.That(leaks, Is.Empty);

        void Check(Type? type, string where)
        {
            if (type is null)
            {
                return;
            }

            if (type.HasElementType)
            {
                Check(type.GetElementType(), where);
                return;
            }

            if (type.Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true)
            {
                leaks.Add($"{where}: {type.FullName}");
            }

            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                Check(argument, where);
            }
        }
    }
}
