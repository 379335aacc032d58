using System.Text;
using System.Text.Json;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

/// <summary>The sframe-wg test vectors (tests/testdata/sframe/test-vectors.json), every case.</summary>
public class SframeVectorTests
{
    private static JsonElement[] Cases(string section)
    {
        using var document = TestData.Load("sframe", "test-vectors.json");
        return [.. document.RootElement.GetProperty(section).EnumerateArray().Select(e => e.Clone())];
    }

    [Test]
    public void Every_header_vector_encodes_to_its_bytes_and_decodes_back()
    {
        var cases = Cases("header");
        Assert.That(cases, Has.Length.EqualTo(17 * 17));
        Span<byte> buffer = stackalloc byte[SframeHeader.MaxLength];
        foreach (var vector in cases)
        {
            var header = new SframeHeader(vector.GetProperty("kid").GetUInt64(), vector.GetProperty("ctr").GetUInt64());
            var encoded = vector.Hex("encoded");

            var length = header.Write(buffer);
            Assert.That(Convert.ToHexStringLower(buffer[..length]), Is.EqualTo(Convert.ToHexStringLower(encoded)), header.ToString());
            Assert.That(header.Length, Is.EqualTo(encoded.Length));

            Assert.That(SframeHeader.TryRead(encoded, out var read, out var readLength), Is.True, header.ToString());
            Assert.That(read, Is.EqualTo(header));
            Assert.That(readLength, Is.EqualTo(encoded.Length));

            // A header is read from the front of a frame: what follows must not change it.
            byte[] withPayload = [.. encoded, 0xAB, 0xCD];
            Assert.That(SframeHeader.TryRead(withPayload, out read, out readLength), Is.True);
            Assert.That((read, readLength), Is.EqualTo((header, encoded.Length)));

            // Any truncation is refused.
            for (var cut = 0; cut < encoded.Length; cut++)
            {
                Assert.That(SframeHeader.TryRead(encoded.AsSpan(0, cut), out _, out _), Is.False, $"{header} cut to {cut}");
            }
        }
    }

    [Test]
    public void Every_sframe_vector_derives_its_keys_encrypts_to_its_ciphertext_and_decrypts_back()
    {
        var cases = Cases("sframe");
        Assert.That(cases.Select(c => c.GetProperty("cipher_suite").GetInt32()), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
        foreach (var vector in cases)
        {
            var suite = (SframeSuite)vector.GetProperty("cipher_suite").GetUInt16();
            var kid = vector.GetProperty("kid").GetUInt64();
            var counter = vector.GetProperty("ctr").GetUInt64();
            var baseKey = vector.Hex("base_key");
            var metadata = vector.Hex("metadata");
            var plaintext = vector.Hex("pt");
            var expected = vector.Hex("ct");

            var label = new byte[64];
            Assert.That(Convert.ToHexStringLower(SframeKey.KeyLabel(label, kid, suite)), Is.EqualTo(vector.GetProperty("sframe_key_label").GetString()), $"{suite} key label");
            Assert.That(Convert.ToHexStringLower(SframeKey.SaltLabel(label, kid, suite)), Is.EqualTo(vector.GetProperty("sframe_salt_label").GetString()), $"{suite} salt label");
            Assert.That(SframeKey.ExtractSecret(suite, baseKey), Is.EqualTo(vector.Hex("sframe_secret")), $"{suite} secret");

            using var key = SframeKey.Derive(suite, kid, baseKey);
            Assert.That(key.Key.ToArray(), Is.EqualTo(vector.Hex("sframe_key")), $"{suite} key");
            Assert.That(key.Salt.ToArray(), Is.EqualTo(vector.Hex("sframe_salt")), $"{suite} salt");
            var nonce = new byte[12];
            key.Nonce(counter, nonce);
            Assert.That(nonce, Is.EqualTo(vector.Hex("nonce")), $"{suite} nonce");

            key.AdvanceCounterTo(counter);
            var sender = new SframeSender(key);
            var output = new byte[plaintext.Length + sender.MaxOverhead];
            Assert.That(sender.Protect(plaintext, metadata, output, out var written), Is.True);
            Assert.That(Convert.ToHexStringLower(output.AsSpan(0, written)), Is.EqualTo(Convert.ToHexStringLower(expected)), $"{suite} ciphertext");

            // The vector's aad is header || metadata.
            Assert.That(SframeHeader.TryRead(expected, out var header, out var headerLength), Is.True);
            Assert.That(header, Is.EqualTo(new SframeHeader(kid, counter)));
            Assert.That(vector.Hex("aad"), Is.EqualTo(expected.Take(headerLength).Concat(metadata).ToArray()));

            var receiver = new SframeReceiver();
            receiver.AddKey(key);
            var decrypted = new byte[expected.Length];
            Assert.That(receiver.Unprotect(expected, metadata, decrypted, out var readHeader, out var plaintextLength), Is.EqualTo(SframeResult.Ok), $"{suite} decrypt");
            Assert.That(decrypted.AsSpan(0, plaintextLength).ToArray(), Is.EqualTo(plaintext));
            Assert.That(readHeader, Is.EqualTo(header));
        }
    }

    [Test]
    public void Every_aes_ctr_hmac_vector_seals_to_its_ciphertext_and_opens_back()
    {
        var cases = Cases("aes_ctr_hmac");
        Assert.That(cases, Has.Length.EqualTo(3));
        foreach (var vector in cases)
        {
            var suite = (SframeSuite)vector.GetProperty("cipher_suite").GetUInt16();
            var rawKey = vector.Hex("key");
            Assert.That(rawKey[..16], Is.EqualTo(vector.Hex("enc_key")));
            Assert.That(rawKey[16..], Is.EqualTo(vector.Hex("auth_key")));

            // Counter 0 leaves the salt as the nonce, so the bare AEAD can be driven with the vector's nonce.
            using var key = SframeKey.FromKeyAndSalt(suite, 0, rawKey, vector.Hex("nonce"));
            var aad = vector.Hex("aad");
            var plaintext = vector.Hex("pt");
            var expected = vector.Hex("ct");
            var output = new byte[plaintext.Length + key.TagLength];
            key.Seal(0, [], aad, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
            Assert.That(Convert.ToHexStringLower(output), Is.EqualTo(Convert.ToHexStringLower(expected)), suite.ToString());

            var opened = new byte[plaintext.Length];
            Assert.That(key.TryOpen(0, [], aad, expected.AsSpan(0, plaintext.Length), expected.AsSpan(plaintext.Length), opened), Is.True);
            Assert.That(opened, Is.EqualTo(plaintext));
            expected[^1] ^= 1;
            Assert.That(key.TryOpen(0, [], aad, expected.AsSpan(0, plaintext.Length), expected.AsSpan(plaintext.Length), opened), Is.False);
        }
    }

    [Test]
    public void The_vector_labels_are_the_contract_labels()
    {
        Span<byte> label = stackalloc byte[64];
        var text = SframeKey.KeyLabel(label, 0, SframeSuite.AesGcm128Sha256)[..22].ToArray();
        Assert.That(Encoding.ASCII.GetString(text), Is.EqualTo("SFrame 1.0 Secret key "));
    }
}
