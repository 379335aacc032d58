using System.Security.Cryptography;
using Appliance.Crypto.Aead;
using Appliance.Crypto.Tests.Srtp;

namespace Appliance.Crypto.Tests.Aead;

/// <summary>
/// The intrinsics AES-GCM against System.Security.Cryptography.AesGcm (OpenSSL) over random keys, nonces,
/// associated data of 0–64 bytes and every plaintext length 0–300, then random lengths to 1,500; forgeries.
/// </summary>
public class IntrinsicsAesGcmTests
{
    [SetUp]
    public void RequireTheInstructions() => Assume.That(IntrinsicsAesGcm.IsSupported, "this CPU lacks AES-NI or PCLMULQDQ");

    private static IEnumerable<int> Lengths(XorShift64 random)
    {
        for (var length = 0; length <= 300; length++)
        {
            yield return length;
        }

        for (var i = 0; i < 300; i++)
        {
            yield return 301 + random.Next(1200);
        }
    }

    [TestCase(16, 1UL)]
    [TestCase(32, 2UL)]
    public void Matches_the_platform_AesGcm_in_place_and_between_buffers(int keyLength, ulong seed)
    {
        var random = new XorShift64(seed);
        var key = new byte[keyLength];
        var nonce = new byte[12];
        var failures = new List<string>();
        foreach (var length in Lengths(random))
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            var aad = new byte[random.Next(65)];
            var plaintext = new byte[length];
            random.NextBytes(aad);
            random.NextBytes(plaintext);
            using var platform = new AesGcm(key, 16);
            using var fast = AesGcmCipher.Create(key, AesGcmImplementation.Intrinsics);
            var expected = new byte[length];
            var expectedTag = new byte[16];
            platform.Encrypt(nonce, plaintext, expected, expectedTag, aad);

            var separate = new byte[length];
            var tag = new byte[16];
            fast.Encrypt(nonce, plaintext, separate, tag, aad);
            var inPlace = (byte[])plaintext.Clone();
            var inPlaceTag = new byte[16];
            fast.Encrypt(nonce, inPlace, inPlace, inPlaceTag, aad);
            var decrypted = new byte[length];
            var opened = fast.TryDecrypt(nonce, expected, expectedTag, decrypted, aad);
            var openedInPlace = fast.TryDecrypt(nonce, inPlace, inPlaceTag, inPlace, aad);

            if (!separate.AsSpan().SequenceEqual(expected) || !tag.AsSpan().SequenceEqual(expectedTag)
                || !inPlaceTag.AsSpan().SequenceEqual(expectedTag) || !opened || !decrypted.AsSpan().SequenceEqual(plaintext)
                || !openedInPlace || !inPlace.AsSpan().SequenceEqual(plaintext))
            {
                failures.Add($"plaintext {length}, aad {aad.Length}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [TestCase(16, 3UL)]
    [TestCase(32, 4UL)]
    public void A_changed_tag_ciphertext_or_associated_data_is_refused_and_the_output_left_untouched(int keyLength, ulong seed)
    {
        var random = new XorShift64(seed);
        var key = new byte[keyLength];
        var nonce = new byte[12];
        var failures = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            random.NextBytes(key);
            random.NextBytes(nonce);
            var aad = new byte[1 + random.Next(64)];
            var ciphertext = new byte[1 + random.Next(1500)];
            random.NextBytes(aad);
            random.NextBytes(ciphertext);
            var tag = new byte[16];
            using var fast = AesGcmCipher.Create(key, AesGcmImplementation.Intrinsics);
            fast.Encrypt(nonce, ciphertext, ciphertext, tag, aad);

            var which = i % 3;
            var (badTag, badCiphertext, badAad) = ((byte[])tag.Clone(), (byte[])ciphertext.Clone(), (byte[])aad.Clone());
            var target = which switch { 0 => badTag, 1 => badCiphertext, _ => badAad };
            target[random.Next(target.Length)] ^= (byte)(1 << random.Next(8));

            var output = new byte[ciphertext.Length];
            random.NextBytes(output);
            var before = (byte[])output.Clone();
            var inPlace = (byte[])badCiphertext.Clone();
            if (fast.TryDecrypt(nonce, badCiphertext, badTag, output, badAad) || !output.AsSpan().SequenceEqual(before)
                || fast.TryDecrypt(nonce, inPlace, badTag, inPlace, badAad) || !inPlace.AsSpan().SequenceEqual(badCiphertext))
            {
                failures.Add($"case {i}: {(which == 0 ? "tag" : which == 1 ? "ciphertext" : "aad")} changed, length {ciphertext.Length}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Calls_after_warm_up_allocate_nothing()
    {
        var random = new XorShift64(5);
        var key = new byte[16];
        var nonce = new byte[12];
        var aad = new byte[12];
        var buffer = new byte[1200];
        var tag = new byte[16];
        random.NextBytes(key);
        random.NextBytes(buffer);
        using var gcm = AesGcmCipher.Create(key, AesGcmImplementation.Intrinsics);

        var failures = 0;
        for (var i = 0; i < 100; i++)
        {
            gcm.Encrypt(nonce, buffer, buffer, tag, aad);
            failures += gcm.TryDecrypt(nonce, buffer, tag, buffer, aad) ? 0 : 1;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            nonce[0] = (byte)i;
            gcm.Encrypt(nonce, buffer, buffer, tag, aad);
            failures += gcm.TryDecrypt(nonce, buffer, tag, buffer, aad) ? 0 : 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(failures, Is.Zero);
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over 10,000 encrypt + decrypt");
    }

    [Test]
    public void The_default_is_the_intrinsics_implementation_where_the_CPU_has_the_instructions()
    {
        using var gcm = AesGcmCipher.Create(new byte[16]);

        Assert.That(gcm, Is.TypeOf<IntrinsicsAesGcm>());
    }

    [Test]
    public void Overlapping_but_different_spans_wrong_lengths_and_a_disposed_key_are_refused()
    {
        var gcm = AesGcmCipher.Create(new byte[16], AesGcmImplementation.Intrinsics);
        var buffer = new byte[64];
        var nonce = new byte[12];
        var tag = new byte[16];

        Assert.Throws<ArgumentException>(() => gcm.Encrypt(nonce, buffer.AsSpan(0, 32), buffer.AsSpan(1, 32), tag, default));
        Assert.Throws<ArgumentException>(() => gcm.Encrypt(nonce, buffer.AsSpan(0, 32), buffer.AsSpan(32, 31), tag, default));
        Assert.Throws<ArgumentException>(() => gcm.Encrypt(nonce, buffer, buffer, new byte[12], default));
        Assert.Throws<ArgumentException>(() => gcm.TryDecrypt(default, buffer, tag, buffer, default));
        Assert.Throws<ArgumentException>(() => AesGcmCipher.Create(new byte[24], AesGcmImplementation.Intrinsics));
        gcm.Dispose();
        Assert.Throws<ObjectDisposedException>(() => gcm.Encrypt(nonce, buffer, buffer, tag, default));
    }
}
