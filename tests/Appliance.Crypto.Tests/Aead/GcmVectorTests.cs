using System.Text.Json;
using Appliance.Crypto.Aead;
using Appliance.Crypto.Tests.E2ee;

namespace Appliance.Crypto.Tests.Aead;

/// <summary>
/// McGrew–Viega GCM test cases 1–6 and 13–18 (tests/testdata/gcm), through the intrinsics implementation and,
/// for the 12-byte IVs it takes, through the platform fallback.
/// </summary>
public class GcmVectorTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        using var document = TestData.Load("gcm", "mcgrew-viega.json");
        var root = document.RootElement;
        foreach (var vector in root.GetProperty("vectors").EnumerateArray().Concat(root.GetProperty("more").GetProperty("vectors").EnumerateArray()))
        {
            var name = vector.GetProperty("name").GetString()!;
            var ivLength = vector.GetProperty("iv").GetString()!.Length / 2;
            foreach (var implementation in new[] { AesGcmImplementation.Intrinsics, AesGcmImplementation.Platform })
            {
                if (implementation == AesGcmImplementation.Platform && ivLength != AesGcmCipher.NonceLength)
                {
                    continue;
                }

                yield return new TestCaseData(implementation.ToString(), vector.GetRawText()).SetArgDisplayNames(implementation.ToString(), name);
            }
        }
    }

    private static IAesGcm Create(string name, byte[] key)
    {
        var implementation = Enum.Parse<AesGcmImplementation>(name);
        if (implementation == AesGcmImplementation.Intrinsics)
        {
            Assume.That(IntrinsicsAesGcm.IsSupported, "this CPU lacks AES-NI or PCLMULQDQ");
        }

        return AesGcmCipher.Create(key, implementation);
    }

    [TestCaseSource(nameof(Cases))]
    public void Encrypting_gives_the_ciphertext_and_tag_of_the_vector(string implementation, string json)
    {
        using var document = JsonDocument.Parse(json);
        var vector = document.RootElement;
        using var gcm = Create(implementation, vector.Hex("key"));
        var plaintext = vector.Hex("plaintext");
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];

        gcm.Encrypt(vector.Hex("iv"), plaintext, ciphertext, tag, vector.Hex("aad"));

        Assert.That(Convert.ToHexStringLower(ciphertext), Is.EqualTo(vector.GetProperty("ciphertext").GetString()));
        Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo(vector.GetProperty("tag").GetString()));
    }

    [TestCaseSource(nameof(Cases))]
    public void Decrypting_in_place_gives_the_plaintext_and_a_flipped_tag_bit_gives_false(string implementation, string json)
    {
        using var document = JsonDocument.Parse(json);
        var vector = document.RootElement;
        using var gcm = Create(implementation, vector.Hex("key"));
        var buffer = vector.Hex("ciphertext");
        var tag = vector.Hex("tag");

        Assert.That(gcm.TryDecrypt(vector.Hex("iv"), buffer, tag, buffer, vector.Hex("aad")), Is.True);
        Assert.That(Convert.ToHexStringLower(buffer), Is.EqualTo(vector.GetProperty("plaintext").GetString()));

        var ciphertext = vector.Hex("ciphertext");
        for (var bit = 0; bit < 128; bit++)
        {
            var forged = (byte[])tag.Clone();
            forged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(gcm.TryDecrypt(vector.Hex("iv"), ciphertext, forged, new byte[ciphertext.Length], vector.Hex("aad")), Is.False, $"tag bit {bit}");
        }
    }
}
