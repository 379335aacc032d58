using System.Security.Cryptography;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class SenderKeyEnvelopeTests
{
    [Test]
    public void A_sealed_base_key_opens_for_its_recipient_meeting_sender_and_generation()
    {
        using var recipient = HpkeKeyPair.Generate();
        var baseKey = RandomNumberGenerator.GetBytes(32);
        var sealedKey = SenderKeyEnvelope.Seal(recipient.PublicKey, "m-1", "p-alice", "p-bob", 3, baseKey);

        Assert.That(sealedKey, Has.Length.EqualTo(SenderKeyEnvelope.SealedLength).And.Length.EqualTo(32 + 32 + 16));
        Assert.That(SenderKeyEnvelope.TryOpen(sealedKey, recipient, "m-1", "p-alice", "p-bob", 3, out var opened), Is.True);
        Assert.That(opened, Is.EqualTo(baseKey));
    }

    [TestCase("m-2", "p-alice", "p-bob", 3, TestName = "Another meeting")]
    [TestCase("m-1", "p-carol", "p-bob", 3, TestName = "Another sender")]
    [TestCase("m-1", "p-alice", "p-carol", 3, TestName = "Another recipient")]
    [TestCase("m-1", "p-alice", "p-bob", 4, TestName = "Another generation")]
    [TestCase("m-1|p-alice", "p-bob", "3", 3, TestName = "Fields shifted across the separators")]
    public void A_sealed_key_moved_elsewhere_by_the_server_does_not_open(string meetingId, string fromId, string toId, int gen)
    {
        using var recipient = HpkeKeyPair.Generate();
        var sealedKey = SenderKeyEnvelope.Seal(recipient.PublicKey, "m-1", "p-alice", "p-bob", 3, new byte[32]);
        Assert.That(SenderKeyEnvelope.TryOpen(sealedKey, recipient, meetingId, fromId, toId, gen, out _), Is.False);
    }

    [Test]
    public void Another_private_key_or_a_damaged_envelope_does_not_open()
    {
        using var recipient = HpkeKeyPair.Generate();
        using var other = HpkeKeyPair.Generate();
        var sealedKey = SenderKeyEnvelope.Seal(recipient.PublicKey, "m", "a", "b", 0, new byte[32]);
        Assert.That(SenderKeyEnvelope.TryOpen(sealedKey, other, "m", "a", "b", 0, out _), Is.False);
        for (var i = 0; i < sealedKey.Length; i += 7)
        {
            var damaged = (byte[])sealedKey.Clone();
            damaged[i] ^= 0x01;
            Assert.That(SenderKeyEnvelope.TryOpen(damaged, recipient, "m", "a", "b", 0, out _), Is.False, $"byte {i}");
        }

        Assert.That(SenderKeyEnvelope.TryOpen(sealedKey.AsSpan(1), recipient, "m", "a", "b", 0, out _), Is.False);
        Assert.That(SenderKeyEnvelope.TryOpen([], recipient, "m", "a", "b", 0, out _), Is.False);
        Assert.That(SenderKeyEnvelope.TryOpen(sealedKey, recipient, "m", "a", "b", -1, out _), Is.False);
    }

    [Test]
    public void The_aad_is_the_contracts_utf8_string_with_the_generation_in_decimal()
    {
        Assert.That(SenderKeyEnvelope.Aad("Rathaus-Süd", "p1", "p2", 12), Is.EqualTo("Rathaus-Süd|p1|p2|12"u8.ToArray()));
        Assert.That(SenderKeyEnvelope.Info.ToArray(), Is.EqualTo("appliance e2ee v1 sender key"u8.ToArray()));
    }

    [Test]
    public void Base_keys_that_are_not_32_bytes_are_refused()
    {
        using var recipient = HpkeKeyPair.Generate();
        Assert.That(() => SenderKeyEnvelope.Seal(recipient.PublicKey, "m", "a", "b", 0, new byte[16]), Throws.ArgumentException);
    }
}
