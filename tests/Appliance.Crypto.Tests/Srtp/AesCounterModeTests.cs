using Appliance.Crypto.Aead;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

/// <summary>RFC 3711's AES-CM keystream through AES-NI (where the CPU has it) and through the forced platform AES.</summary>
[TestFixture(true)]
[TestFixture(false)]
public class AesCounterModeTests
{
    private readonly bool _allowAesNi;

    // The whole B.2 keystream segment, computed once for all its rows.
    private readonly Lazy<byte[]> _rfc3711Segment;

    public AesCounterModeTests(bool allowAesNi)
    {
        _allowAesNi = allowAesNi;
        _rfc3711Segment = new(() =>
        {
            Span<byte> iv = stackalloc byte[16];
            AesCmHmacSha1Transform.WriteIv(Hex.Parse(Rfc3711Vectors.AesCmSessionSalt), ssrc: 0, index: 0, iv);
            using var cipher = new AesCounterMode(Hex.Parse(Rfc3711Vectors.AesCmSessionKey), allowAesNi);
            var segment = new byte[Rfc3711Vectors.AesCmSegmentBlocks * 16];
            cipher.Apply(iv, segment);
            return segment;
        });
    }

    [Test]
    public void The_keystream_comes_from_AES_NI_exactly_when_allowed_and_supported()
    {
        using var cipher = new AesCounterMode(new byte[16], _allowAesNi);

        Assert.That(cipher.UsesAesNi, Is.EqualTo(_allowAesNi && AesNiBlockCipher.IsSupported));
    }

    [Test]
    public void IV_of_the_appendix_B2_packet_is_the_shifted_salt()
    {
        Span<byte> iv = stackalloc byte[16];

        AesCmHmacSha1Transform.WriteIv(Hex.Parse(Rfc3711Vectors.AesCmSessionSalt), ssrc: 0, index: 0, iv);

        Assert.That(Hex.Format(iv), Is.EqualTo("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000").IgnoreCase);
    }

    [Test]
    public void IV_places_SSRC_at_2_to_the_64_and_index_at_2_to_the_16()
    {
        Span<byte> iv = stackalloc byte[16];

        AesCmHmacSha1Transform.WriteIv(new byte[14], ssrc: 0x11223344, index: 0x5566_7788_99AA, iv);

        Assert.That(Hex.Format(iv), Is.EqualTo("00000000112233445566778899aa0000"));
    }

    [TestCaseSource(typeof(Rfc3711Vectors), nameof(Rfc3711Vectors.AesCmKeystream))]
    public void Keystream_matches_RFC_3711_appendix_B2(string counterBlock, string expectedKeystream)
    {
        var counter = Hex.Parse(counterBlock);
        var block = (counter[14] << 8) | counter[15];

        var keystream = _rfc3711Segment.Value.AsSpan(block * 16, 16);

        Assert.That(Hex.Format(keystream), Is.EqualTo(expectedKeystream).IgnoreCase);
    }

    [Test]
    public void Applying_the_keystream_twice_restores_data_of_every_length_up_to_two_chunks()
    {
        using var cipher = new AesCounterMode(Hex.Parse(Rfc3711Vectors.AesCmSessionKey), _allowAesNi);
        var iv = Hex.Parse("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var random = new XorShift64(3711);
        var reference = new byte[3200];
        random.NextBytes(reference);
        var keystream = new byte[reference.Length];
        cipher.Apply(iv, keystream);

        for (var length = 0; length <= reference.Length; length += 7)
        {
            var data = reference[..length];
            cipher.Apply(iv, data);
            var expected = new byte[length];
            for (var i = 0; i < length; i++)
            {
                expected[i] = (byte)(reference[i] ^ keystream[i]);
            }

            Assert.That(data, Is.EqualTo(expected), $"encrypting {length} bytes");
            cipher.Apply(iv, data);
            Assert.That(data, Is.EqualTo(reference[..length]), $"decrypting {length} bytes");
        }
    }

    [TestCase(16, 11UL)]
    [TestCase(32, 12UL)]
    public void AES_NI_gives_the_platform_keystream_for_random_keys_IVs_and_lengths(int keyLength, ulong seed)
    {
        Assume.That(AesNiBlockCipher.IsSupported, "this CPU lacks AES-NI");
        var random = new XorShift64(seed);
        var key = new byte[keyLength];
        var iv = new byte[16];
        var failures = new List<string>();
        var lengths = Enumerable.Range(0, 301).Concat(Enumerable.Range(0, 200).Select(_ => 301 + random.Next(1200))).Append(AesCounterMode.MaxDataLength);
        foreach (var length in lengths)
        {
            random.NextBytes(key);
            random.NextBytes(iv.AsSpan(0, 14));
            var data = new byte[length];
            random.NextBytes(data);
            var expected = (byte[])data.Clone();
            using var platform = new AesCounterMode(key, allowAesNi: false);
            using var aesNi = new AesCounterMode(key);
            platform.Apply(iv, expected);
            aesNi.Apply(iv, data);
            if (!data.AsSpan().SequenceEqual(expected))
            {
                failures.Add($"{length} bytes");
            }
        }

        Assert.That(failures, Is.Empty);
    }
}
