using System.Security.Cryptography;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class SframeTests
{
    private static readonly byte[] BaseKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static byte[] Protect(SframeSender sender, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> metadata)
    {
        var output = new byte[plaintext.Length + sender.MaxOverhead];
        Assert.That(sender.Protect(plaintext, metadata, output, out var written), Is.True);
        return output[..written];
    }

    private static (SframeResult Result, byte[] Plaintext) Unprotect(SframeReceiver receiver, byte[] frame, ReadOnlySpan<byte> metadata)
    {
        var output = new byte[frame.Length];
        var result = receiver.Unprotect(frame, metadata, output, out _, out var written);
        return (result, output[..written]);
    }

    [TestCase(SframeSuite.AesGcm128Sha256)]
    [TestCase(SframeSuite.AesGcm256Sha512)]
    [TestCase(SframeSuite.AesCtr128HmacSha256Tag80)]
    [TestCase(SframeSuite.AesCtr128HmacSha256Tag64)]
    [TestCase(SframeSuite.AesCtr128HmacSha256Tag32)]
    public void Frames_round_trip_with_counters_from_zero_under_every_suite(SframeSuite suite)
    {
        using var key = SframeKey.Derive(suite, 1280, BaseKey);
        var sender = new SframeSender(key);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        for (var i = 0; i < 20; i++)
        {
            var plaintext = RandomNumberGenerator.GetBytes(i * 37);
            var frame = Protect(sender, plaintext, "meta"u8);
            Assert.That(SframeHeader.TryRead(frame, out var header, out _), Is.True);
            Assert.That(header, Is.EqualTo(new SframeHeader(1280, (ulong)i)));
            var (result, decrypted) = Unprotect(receiver, frame, "meta"u8);
            Assert.That(result, Is.EqualTo(SframeResult.Ok));
            Assert.That(decrypted, Is.EqualTo(plaintext));
        }
    }

    [Test]
    public void A_frame_under_a_kid_without_a_key_is_unknown()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        var frame = Protect(new SframeSender(key), "audio"u8, []);
        Assert.That(Unprotect(new SframeReceiver(), frame, []).Result, Is.EqualTo(SframeResult.UnknownKid));
    }

    [Test]
    public void Any_flipped_bit_or_other_metadata_or_other_base_key_is_tampered()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        var frame = Protect(new SframeSender(key), "some encoded video"u8, "clear"u8);
        var receiver = new SframeReceiver(rejectReplays: false);
        receiver.AddKey(key);

        Assert.That(Unprotect(receiver, frame, "Clear"u8).Result, Is.EqualTo(SframeResult.Tampered));
        Assert.That(Unprotect(receiver, frame, []).Result, Is.EqualTo(SframeResult.Tampered));

        // The header is byte 0 (KID 1024 takes two bytes after it); flipping its counter bits moves the nonce.
        for (var i = 0; i < frame.Length; i++)
        {
            var damaged = (byte[])frame.Clone();
            damaged[i] ^= 0x01;
            var result = Unprotect(receiver, damaged, "clear"u8).Result;
            Assert.That(result, Is.AnyOf(SframeResult.Tampered, SframeResult.UnknownKid, SframeResult.Malformed), $"byte {i}");
        }

        using var otherKey = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, RandomNumberGenerator.GetBytes(32));
        var other = new SframeReceiver();
        other.AddKey(otherKey);
        Assert.That(Unprotect(other, frame, "clear"u8).Result, Is.EqualTo(SframeResult.Tampered));
    }

    [Test]
    public void A_frame_shorter_than_its_tag_is_malformed()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 5, BaseKey);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        Assert.That(Unprotect(receiver, [0x50, .. new byte[15]], []).Result, Is.EqualTo(SframeResult.Malformed));
        Assert.That(Unprotect(receiver, [], []).Result, Is.EqualTo(SframeResult.Malformed));
    }

    [Test]
    public void Replays_are_refused_but_reordering_within_the_window_is_accepted()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 2048, BaseKey);
        var sender = new SframeSender(key);
        var frames = Enumerable.Range(0, 100).Select(_ => Protect(sender, "x"u8, [])).ToArray();
        var receiver = new SframeReceiver();
        receiver.AddKey(key);

        Assert.That(Unprotect(receiver, frames[10], []).Result, Is.EqualTo(SframeResult.Ok));
        Assert.That(Unprotect(receiver, frames[10], []).Result, Is.EqualTo(SframeResult.Replayed));
        Assert.That(Unprotect(receiver, frames[3], []).Result, Is.EqualTo(SframeResult.Ok));
        Assert.That(Unprotect(receiver, frames[3], []).Result, Is.EqualTo(SframeResult.Replayed));
        Assert.That(Unprotect(receiver, frames[90], []).Result, Is.EqualTo(SframeResult.Ok));
        Assert.That(Unprotect(receiver, frames[27], []).Result, Is.EqualTo(SframeResult.Ok), "63 behind: inside the window");
        Assert.That(Unprotect(receiver, frames[26], []).Result, Is.EqualTo(SframeResult.Replayed), "64 behind: outside");
        Assert.That(Unprotect(receiver, frames[99], []).Result, Is.EqualTo(SframeResult.Ok));

        var lenient = new SframeReceiver(rejectReplays: false);
        lenient.AddKey(key);
        Assert.That(Unprotect(lenient, frames[10], []).Result, Is.EqualTo(SframeResult.Ok));
        Assert.That(Unprotect(lenient, frames[10], []).Result, Is.EqualTo(SframeResult.Ok));
    }

    [Test]
    public void A_forged_frame_does_not_move_the_replay_window()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 2048, BaseKey);
        var frame = Protect(new SframeSender(key), "x"u8, []);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);

        // A forgery claiming counter 1000 would push counter 0 out of the window if it were counted.
        var forged = new byte[32];
        var length = new SframeHeader(2048, 1000).Write(forged);
        Assert.That(Unprotect(receiver, forged[..(length + 16)], []).Result, Is.EqualTo(SframeResult.Tampered));
        Assert.That(Unprotect(receiver, frame, []).Result, Is.EqualTo(SframeResult.Ok));
    }

    [Test]
    public void The_counter_belongs_to_the_key_so_switching_back_never_reuses_a_nonce()
    {
        using var gen0 = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        using var gen1 = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1025, RandomNumberGenerator.GetBytes(32));
        var sender = new SframeSender(gen0);
        Protect(sender, "a"u8, []);
        Protect(sender, "b"u8, []);
        sender.UseKey(gen1);
        Assert.That(SframeHeader.TryRead(Protect(sender, "c"u8, []), out var header, out _), Is.True);
        Assert.That(header, Is.EqualTo(new SframeHeader(1025, 0)));
        sender.UseKey(gen0);
        Assert.That(SframeHeader.TryRead(Protect(sender, "d"u8, []), out header, out _), Is.True);
        Assert.That(header, Is.EqualTo(new SframeHeader(1024, 2)));
    }

    [Test]
    public void A_destination_too_short_writes_nothing_and_spends_no_counter()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        var sender = new SframeSender(key);
        Assert.That(sender.Protect(new byte[100], [], new byte[100], out var written), Is.False);
        Assert.That(written, Is.Zero);
        Assert.That(key.NextCounter, Is.Zero);
    }

    [Test]
    public void The_counter_space_once_spent_refuses_further_frames()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        key.AdvanceCounterTo(ulong.MaxValue - 1);
        var sender = new SframeSender(key);
        Protect(sender, "last"u8, []);
        Assert.That(() => sender.Protect("more"u8, [], new byte[64], out _), Throws.InvalidOperationException);
        Assert.That(() => key.AdvanceCounterTo(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Long_metadata_is_authenticated_too()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 3 * 1024 + 768, BaseKey);
        var metadata = RandomNumberGenerator.GetBytes(1000);
        var frame = Protect(new SframeSender(key), "chat text"u8, metadata);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        metadata[999] ^= 1;
        Assert.That(Unprotect(receiver, frame, metadata).Result, Is.EqualTo(SframeResult.Tampered));
        metadata[999] ^= 1;
        Assert.That(Unprotect(receiver, frame, metadata), Is.EqualTo((SframeResult.Ok, "chat text"u8.ToArray())));
    }

    [Test]
    public void Removed_keys_are_forgotten()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1024, BaseKey);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        Assert.That(receiver.HasKey(1024), Is.True);
        Assert.That(receiver.RemoveKey(1024), Is.True);
        Assert.That(receiver.HasKey(1024), Is.False);
        Assert.That(receiver.KeyCount, Is.Zero);
        Assert.That(Unprotect(receiver, Protect(new SframeSender(key), "x"u8, []), []).Result, Is.EqualTo(SframeResult.UnknownKid));
    }
}
