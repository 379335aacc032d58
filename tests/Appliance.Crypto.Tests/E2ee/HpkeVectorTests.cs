using System.Security.Cryptography;
using System.Text.Json;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

/// <summary>RFC 9180 Appendix A.1.1 (tests/testdata/hpke/rfc9180-a1-base.json): every value, encryption and export.</summary>
public class HpkeVectorTests
{
    private static JsonElement Vector()
    {
        using var document = TestData.Load("hpke", "rfc9180-a1-base.json");
        var vectors = document.RootElement.GetProperty("vectors").EnumerateArray().ToArray();
        Assert.That(vectors, Has.Length.EqualTo(1));
        var vector = vectors[0].Clone();
        Assert.That(
            (vector.GetProperty("mode").GetInt32(), vector.GetProperty("kem_id").GetInt32(), vector.GetProperty("kdf_id").GetInt32(), vector.GetProperty("aead_id").GetInt32()),
            Is.EqualTo((0, 0x20, 1, 1)));
        return vector;
    }

    /// <summary>The vector's ephemeral and recipient key pairs, derived from ikmE and ikmR.</summary>
    private sealed class VectorKeys(JsonElement vector) : IDisposable
    {
        public HpkeKeyPair Ephemeral { get; } = HpkeKeyPair.Derive(vector.Hex("ikmE"));

        public HpkeKeyPair Recipient { get; } = HpkeKeyPair.Derive(vector.Hex("ikmR"));

        public void Dispose()
        {
            Ephemeral.Dispose();
            Recipient.Dispose();
        }
    }

    [Test]
    public void DeriveKeyPair_gives_the_vectors_ephemeral_and_recipient_keys()
    {
        var vector = Vector();
        using var keys = new VectorKeys(vector);
        var (ephemeral, recipient) = (keys.Ephemeral, keys.Recipient);
        Assert.That(ephemeral.PrivateKey.ToArray(), Is.EqualTo(vector.Hex("skEm")));
        Assert.That(ephemeral.PublicKey.ToArray(), Is.EqualTo(vector.Hex("pkEm")));
        Assert.That(recipient.PrivateKey.ToArray(), Is.EqualTo(vector.Hex("skRm")));
        Assert.That(recipient.PublicKey.ToArray(), Is.EqualTo(vector.Hex("pkRm")));

        using var fromPrivate = HpkeKeyPair.FromPrivateKey(vector.Hex("skRm"));
        Assert.That(fromPrivate.PublicKey.ToArray(), Is.EqualTo(vector.Hex("pkRm")));
    }

    [Test]
    public void Encap_and_decap_reach_the_vectors_shared_secret_and_key_schedule()
    {
        var vector = Vector();
        using var keys = new VectorKeys(vector);
        var (ephemeral, recipient) = (keys.Ephemeral, keys.Recipient);
        var enc = vector.Hex("enc");
        Assert.That(ephemeral.PublicKey.ToArray(), Is.EqualTo(enc));

        var sent = Hpke.SharedSecret(ephemeral, recipient.PublicKey, enc, recipient.PublicKey);
        var received = Hpke.SharedSecret(recipient, enc, enc, recipient.PublicKey);
        Assert.That(sent, Is.EqualTo(vector.Hex("shared_secret")));
        Assert.That(received, Is.EqualTo(vector.Hex("shared_secret")));

        var schedule = Hpke.KeySchedule(sent!, vector.Hex("info"));
        Assert.That(schedule.KeyScheduleContext, Is.EqualTo(vector.Hex("key_schedule_context")));
        Assert.That(schedule.Secret, Is.EqualTo(vector.Hex("secret")));
        Assert.That(schedule.Key, Is.EqualTo(vector.Hex("key")));
        Assert.That(schedule.BaseNonce, Is.EqualTo(vector.Hex("base_nonce")));
        Assert.That(schedule.ExporterSecret, Is.EqualTo(vector.Hex("exporter_secret")));
    }

    [Test]
    public void Every_encryption_of_the_vector_is_sealed_and_opened_at_its_sequence_number()
    {
        var vector = Vector();
        using var keys = new VectorKeys(vector);
        var (recipient, info) = (keys.Recipient, vector.Hex("info"));
        using var sender = Hpke.SetupBaseS(recipient.PublicKey, info, keys.Ephemeral, out var enc);
        Assert.That(enc, Is.EqualTo(vector.Hex("enc")));
        Assert.That(Hpke.TrySetupBaseR(enc, recipient, info, out var receiverContext), Is.True);
        using var receiver = receiverContext!;

        var encryptions = vector.GetProperty("encryptions").EnumerateArray().ToDictionary(e => e.GetProperty("sequence_number").GetUInt64());
        Assert.That(encryptions.Keys, Is.EqualTo(new ulong[] { 0, 1, 2, 4, 255, 256 }));
        var checkedCount = 0;
        for (ulong sequence = 0; sequence <= 256; sequence++)
        {
            Assert.That(sender.SequenceNumber, Is.EqualTo(sequence));
            if (!encryptions.TryGetValue(sequence, out var encryption))
            {
                // The sequence numbers between the vector's are spent on other messages, as the RFC's generator did.
                var filler = sender.Seal([], [0x42]);
                Assert.That(receiver.TryOpen([], filler, out _), Is.True);
                continue;
            }

            var aad = encryption.Hex("aad");
            var ciphertext = sender.Seal(aad, encryption.Hex("pt"));
            Assert.That(Convert.ToHexStringLower(ciphertext), Is.EqualTo(encryption.GetProperty("ct").GetString()), $"seq {sequence}");

            // A forged message fails and does not advance the recipient.
            var forged = (byte[])ciphertext.Clone();
            forged[0] ^= 0x80;
            Assert.That(receiver.TryOpen(aad, forged, out _), Is.False);
            Assert.That(receiver.TryOpen(aad, ciphertext, out var plaintext), Is.True, $"seq {sequence}");
            Assert.That(plaintext, Is.EqualTo(encryption.Hex("pt")));
            checkedCount++;
        }

        Assert.That(checkedCount, Is.EqualTo(6));
    }

    [Test]
    public void Every_export_of_the_vector_matches_on_both_sides()
    {
        var vector = Vector();
        using var keys = new VectorKeys(vector);
        var (recipient, info) = (keys.Recipient, vector.Hex("info"));
        using var sender = Hpke.SetupBaseS(recipient.PublicKey, info, keys.Ephemeral, out var enc);
        Assert.That(Hpke.TrySetupBaseR(enc, recipient, info, out var receiver), Is.True);
        using (receiver)
        {
            var exports = vector.GetProperty("exports").EnumerateArray().ToArray();
            Assert.That(exports, Has.Length.EqualTo(3));
            foreach (var export in exports)
            {
                var context = export.Hex("exporter_context");
                var length = export.GetProperty("L").GetInt32();
                Assert.That(sender.Export(context, length), Is.EqualTo(export.Hex("exported_value")));
                Assert.That(receiver!.Export(context, length), Is.EqualTo(export.Hex("exported_value")));
                Assert.That(Hpke.TryReceiveExport(enc, recipient, info, context, length, out var single), Is.True);
                Assert.That(single, Is.EqualTo(export.Hex("exported_value")));
            }
        }
    }
}

public class HpkeTests
{
    private static readonly byte[] Info = "test info"u8.ToArray();

    [Test]
    public void Single_shot_seal_opens_with_the_recipient_key_only()
    {
        using var recipient = HpkeKeyPair.Generate();
        using var other = HpkeKeyPair.Generate();
        var (enc, ciphertext) = Hpke.Seal(recipient.PublicKey, Info, "aad"u8, "secret message"u8);
        Assert.That(enc, Has.Length.EqualTo(32));
        Assert.That(ciphertext, Has.Length.EqualTo(14 + 16));

        Assert.That(Hpke.TryOpen(enc, recipient, Info, "aad"u8, ciphertext, out var plaintext), Is.True);
        Assert.That(plaintext, Is.EqualTo("secret message"u8.ToArray()));
        Assert.That(Hpke.TryOpen(enc, other, Info, "aad"u8, ciphertext, out _), Is.False);
        Assert.That(Hpke.TryOpen(enc, recipient, "other info"u8, "aad"u8, ciphertext, out _), Is.False);
        Assert.That(Hpke.TryOpen(enc, recipient, Info, "other aad"u8, ciphertext, out _), Is.False);
        Assert.That(Hpke.TryOpen(enc.AsSpan(1), recipient, Info, "aad"u8, ciphertext, out _), Is.False);
        Assert.That(Hpke.TryOpen(enc, recipient, Info, "aad"u8, ciphertext.AsSpan(0, 15), out _), Is.False);
    }

    [Test]
    public void Single_shot_export_agrees_between_sender_and_recipient()
    {
        using var recipient = HpkeKeyPair.Generate();
        var (enc, exported) = Hpke.SendExport(recipient.PublicKey, Info, "ctx"u8, 42);
        Assert.That(Hpke.TryReceiveExport(enc, recipient, Info, "ctx"u8, 42, out var received), Is.True);
        Assert.That(received, Is.EqualTo(exported));
        Assert.That(exported, Has.Length.EqualTo(42));
    }

    // Points of small order on Curve25519: X25519 with them gives the all-zero output that §7.1.4 rejects.
    private static readonly string[] SmallOrderPoints =
    [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ];

    [TestCaseSource(nameof(SmallOrderPoints))]
    public void An_all_zero_shared_secret_is_refused_on_both_sides(string point)
    {
        var publicKey = Convert.FromHexString(point);
        using var recipient = HpkeKeyPair.Generate();
        Assert.That(() => Hpke.SetupBaseS(publicKey, Info, out _), Throws.InstanceOf<CryptographicException>());
        Assert.That(Hpke.TrySetupBaseR(publicKey, recipient, Info, out _), Is.False);
    }

    [Test]
    public void A_public_key_of_the_wrong_length_is_an_argument_error()
    {
        Assert.That(() => Hpke.Seal(new byte[31], Info, [], []), Throws.ArgumentException);
    }
}
