using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

public class SrtpKeyDerivationTests
{
    [TestCaseSource(typeof(Rfc3711Vectors), nameof(Rfc3711Vectors.KeyDerivation))]
    public void PRF_input_block_matches_RFC_3711_appendix_B3(byte label, string expectedInputBlock, string expectedKey)
    {
        _ = expectedKey;
        Span<byte> block = stackalloc byte[16];

        SrtpKeyDerivation.WritePrfInput(Hex.Parse(Rfc3711Vectors.MasterSalt), label, block);

        Assert.That(Hex.Format(block), Is.EqualTo(expectedInputBlock).IgnoreCase);
    }

    [TestCaseSource(typeof(Rfc3711Vectors), nameof(Rfc3711Vectors.KeyDerivation))]
    public void Session_key_matches_RFC_3711_appendix_B3(byte label, string expectedInputBlock, string expectedKey)
    {
        _ = expectedInputBlock;
        var expected = Hex.Parse(expectedKey);
        using var prf = new AesCounterMode(Hex.Parse(Rfc3711Vectors.MasterKey));
        var derived = new byte[expected.Length];

        SrtpKeyDerivation.Derive(prf, Hex.Parse(Rfc3711Vectors.MasterSalt), label, derived);

        Assert.That(Hex.Format(derived), Is.EqualTo(Hex.Format(expected)));
    }

    [Test]
    public void A_12_byte_GCM_master_salt_is_zero_extended_on_the_right()
    {
        Span<byte> block = stackalloc byte[16];

        SrtpKeyDerivation.WritePrfInput(Hex.Parse("a0a1a2a3a4a5a6a7a8a9aaab"), label: 0x05, block);

        Assert.That(Hex.Format(block), Is.EqualTo("a0a1a2a3a4a5a6a2a8a9aaab00000000"));
    }
}
