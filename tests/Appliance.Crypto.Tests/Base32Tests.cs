namespace Appliance.Crypto.Tests;

public class Base32Tests
{
    // RFC 4648 section 10, BASE32 test vectors, with the '=' padding removed because Encode emits none.
    private static readonly object[] Rfc4648Vectors =
    [
        new object[] { "", "" },
        new object[] { "f", "MY" },
        new object[] { "fo", "MZXQ" },
        new object[] { "foo", "MZXW6" },
        new object[] { "foob", "MZXW6YQ" },
        new object[] { "fooba", "MZXW6YTB" },
        new object[] { "foobar", "MZXW6YTBOI" },
    ];

    // RFC 4648 section 10, BASE32 test vectors exactly as printed, padding included.
    private static readonly object[] Rfc4648PaddedVectors =
    [
        new object[] { "f", "MY======" },
        new object[] { "fo", "MZXQ====" },
        new object[] { "foo", "MZXW6===" },
        new object[] { "foob", "MZXW6YQ=" },
        new object[] { "foobar", "MZXW6YTBOI======" },
    ];

    [TestCaseSource(nameof(Rfc4648Vectors))]
    public void Encode_matches_the_RFC_4648_vectors(string plain, string encoded)
    {
        Assert.That(Base32.Encode(System.Text.Encoding.ASCII.GetBytes(plain)), Is.EqualTo(encoded));
    }

    [TestCaseSource(nameof(Rfc4648Vectors))]
    public void TryDecode_matches_the_RFC_4648_vectors(string plain, string encoded)
    {
        Assert.That(Base32.TryDecode(encoded, out var data), Is.True);
        Assert.That(data, Is.EqualTo(System.Text.Encoding.ASCII.GetBytes(plain)));
    }

    [TestCaseSource(nameof(Rfc4648PaddedVectors))]
    public void TryDecode_ignores_padding(string plain, string encoded)
    {
        Assert.That(Base32.TryDecode(encoded, out var data), Is.True);
        Assert.That(data, Is.EqualTo(System.Text.Encoding.ASCII.GetBytes(plain)));
    }

    [Test]
    public void TryDecode_ignores_case_and_spaces()
    {
        Assert.That(Base32.TryDecode("mzxw 6ytb oi", out var data), Is.True);
        Assert.That(data, Is.EqualTo("foobar"u8.ToArray()));
    }

    [TestCase("MZXW6YT1")]
    [TestCase("MZXW6YT8")]
    [TestCase("MZXW-6YTB")]
    [TestCase("MZ=XW6YTB")]
    [TestCase("M")]
    [TestCase("MZX")]
    [TestCase("MZXW6Y")]
    public void TryDecode_rejects_invalid_characters_and_lengths(string text)
    {
        Assert.That(Base32.TryDecode(text, out _), Is.False);
    }

    [Test]
    public void TryDecode_rejects_null()
    {
        Assert.That(Base32.TryDecode(null!, out _), Is.False);
    }

    [Test]
    public void Encode_then_TryDecode_round_trips_every_byte_value()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        Assert.That(Base32.TryDecode(Base32.Encode(bytes), out var data), Is.True);
        Assert.That(data, Is.EqualTo(bytes));
    }
}
