namespace Appliance.Crypto.Tests.Audit;

/// <summary>Ed25519 as the audit checkpoints use it, checked against RFC 8032 section 7.1.</summary>
public sealed class AuditSignerTests
{
    // RFC 8032, 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
    private const string Seed1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private const string Public1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string Signature1 = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    private const string Seed2 = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
    private const string Public2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private const string Signature2 = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

    [TestCase(Seed1, Public1, "", Signature1)]
    [TestCase(Seed2, Public2, "72", Signature2)]
    public void Signs_the_RFC_8032_vectors(string seed, string publicKey, string message, string signature)
    {
        var signer = AuditSigner.FromSeed(Convert.FromHexString(seed));

        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(signer.PublicKey()), Is.EqualTo(publicKey));
            Assert.That(Convert.ToHexStringLower(signer.Sign(Convert.FromHexString(message))), Is.EqualTo(signature));
            Assert.That(AuditSigner.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)), Is.True);
        });
    }

    [Test]
    public void A_changed_message_signature_or_key_does_not_verify()
    {
        var signer = AuditSigner.FromSeed(Convert.FromHexString(Seed1));
        var message = "checkpoint 100"u8.ToArray();
        var signature = signer.Sign(message);
        var otherKey = Convert.FromHexString(Public2);

        var changedMessage = (byte[])message.Clone();
        changedMessage[0] ^= 1;
        var changedSignature = (byte[])signature.Clone();
        changedSignature[10] ^= 1;

        Assert.Multiple(() =>
        {
            Assert.That(AuditSigner.Verify(signer.PublicKey(), message, signature), Is.True);
            Assert.That(AuditSigner.Verify(signer.PublicKey(), changedMessage, signature), Is.False);
            Assert.That(AuditSigner.Verify(signer.PublicKey(), message, changedSignature), Is.False);
            Assert.That(AuditSigner.Verify(otherKey, message, signature), Is.False);
            Assert.That(AuditSigner.Verify(signer.PublicKey().AsSpan(0, 31), message, signature), Is.False);
        });
    }

    [Test]
    public void The_key_id_is_stable_and_short() =>
        Assert.That(AuditSigner.FromSeed(Convert.FromHexString(Seed1)).KeyId, Is.EqualTo(AuditSigner.KeyIdOf(Convert.FromHexString(Public1))).And.Length.EqualTo(16));
}
