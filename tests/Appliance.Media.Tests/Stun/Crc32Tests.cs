using Appliance.Media.Stun;

namespace Appliance.Media.Tests.Stun;

public class Crc32Tests
{
    [Test]
    public void Check_value_of_123456789_is_CBF43926()
    {
        // The "check" value of CRC-32/ISO-HDLC (the IEEE 802.3 CRC) in the catalogue of parametrised CRCs.
        Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
    }

    [Test]
    public void Empty_input_has_crc_zero()
    {
        Assert.That(Crc32.Compute(ReadOnlySpan<byte>.Empty), Is.Zero);
    }

    [Test]
    public void Appending_in_pieces_equals_computing_at_once()
    {
        var data = Rfc5769Vectors.SampleRequest;
        var register = Crc32.Append(Crc32.Start, data.AsSpan(0, 33));
        register = Crc32.Append(register, data.AsSpan(33));

        Assert.That(Crc32.Finish(register), Is.EqualTo(Crc32.Compute(data)));
    }

    [Test]
    public void Fingerprint_of_RFC_5769_section_2_1_is_the_crc_of_the_message_before_it_xor_5354554E()
    {
        var request = Rfc5769Vectors.SampleRequest;

        var fingerprint = Crc32.Compute(request.AsSpan(0, request.Length - 8)) ^ 0x5354554E;

        Assert.That(fingerprint, Is.EqualTo(0xe57a3bcfu));
    }
}
