namespace Appliance.Crypto.Tests;

public class TotpTests
{
    // RFC 6238 appendix B and RFC 4226 appendix D: the ASCII seed "12345678901234567890".
    private static readonly byte[] RfcSecret = "12345678901234567890"u8.ToArray();

    // RFC 6238 appendix B, the SHA1 rows: Unix time in seconds and the 8-digit TOTP.
    private static readonly object[] Rfc6238Sha1Vectors =
    [
        new object[] { 59L, "94287082" },
        new object[] { 1111111109L, "07081804" },
        new object[] { 1111111111L, "14050471" },
        new object[] { 1234567890L, "89005924" },
        new object[] { 2000000000L, "69279037" },
        new object[] { 20000000000L, "65353130" },
    ];

    // RFC 4226 appendix D, HOTP values for counters 0 to 9 (6 digits).
    private static readonly object[] Rfc4226HotpVectors =
    [
        new object[] { 0L, "755224" },
        new object[] { 1L, "287082" },
        new object[] { 2L, "359152" },
        new object[] { 3L, "969429" },
        new object[] { 4L, "338314" },
        new object[] { 5L, "254676" },
        new object[] { 6L, "287922" },
        new object[] { 7L, "162583" },
        new object[] { 8L, "399871" },
        new object[] { 9L, "520489" },
    ];

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1234567890);

    [TestCaseSource(nameof(Rfc6238Sha1Vectors))]
    public void Compute_matches_the_RFC_6238_SHA1_vectors(long unixSeconds, string expected)
    {
        var step = Totp.TimeStep(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.That(Totp.Compute(RfcSecret, step, 8), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Rfc4226HotpVectors))]
    public void Compute_matches_the_RFC_4226_HOTP_vectors(long counter, string expected)
    {
        Assert.That(Totp.Compute(RfcSecret, counter), Is.EqualTo(expected));
    }

    [TestCase(0L, 0L)]
    [TestCase(29L, 0L)]
    [TestCase(30L, 1L)]
    [TestCase(59L, 1L)]
    [TestCase(1111111109L, 37037036L)]
    [TestCase(-1L, -1L)]
    [TestCase(-30L, -1L)]
    [TestCase(-31L, -2L)]
    public void TimeStep_counts_30_second_steps_from_the_Unix_epoch(long unixSeconds, long expected)
    {
        Assert.That(Totp.TimeStep(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)), Is.EqualTo(expected));
    }

    [Test]
    public void TimeStep_does_not_depend_on_the_offset()
    {
        var utc = DateTimeOffset.FromUnixTimeSeconds(1111111109);

        Assert.That(Totp.TimeStep(utc.ToOffset(TimeSpan.FromHours(5))), Is.EqualTo(Totp.TimeStep(utc)));
    }

    [TestCase(5)]
    [TestCase(9)]
    public void Compute_rejects_unsupported_digit_counts(int digits)
    {
        Assert.That(() => Totp.Compute(RfcSecret, 1, digits), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Compute_rejects_an_empty_secret()
    {
        Assert.That(() => Totp.Compute([], 1), Throws.ArgumentException);
    }

    [Test]
    public void GenerateSecret_returns_20_fresh_random_bytes()
    {
        var first = Totp.GenerateSecret();
        var second = Totp.GenerateSecret();

        Assert.That(first, Has.Length.EqualTo(20));
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void TryVerify_accepts_the_current_code_and_reports_its_step()
    {
        var step = Totp.TimeStep(Now);
        var code = Totp.Compute(RfcSecret, step);

        Assert.That(Totp.TryVerify(RfcSecret, code, Now, 0, out var matched), Is.True);
        Assert.That(matched, Is.EqualTo(step));
    }

    [TestCase(-1)]
    [TestCase(1)]
    public void TryVerify_accepts_a_code_one_step_away(int offset)
    {
        var step = Totp.TimeStep(Now) + offset;
        var code = Totp.Compute(RfcSecret, step);

        Assert.That(Totp.TryVerify(RfcSecret, code, Now, 0, out var matched), Is.True);
        Assert.That(matched, Is.EqualTo(step));
    }

    [TestCase(-2)]
    [TestCase(2)]
    [TestCase(-10)]
    public void TryVerify_rejects_a_code_outside_the_window(int offset)
    {
        var code = Totp.Compute(RfcSecret, Totp.TimeStep(Now) + offset);

        Assert.That(Totp.TryVerify(RfcSecret, code, Now, 0, out var matched), Is.False);
        Assert.That(matched, Is.Zero);
    }

    [Test]
    public void TryVerify_rejects_a_replayed_code()
    {
        var code = Totp.Compute(RfcSecret, Totp.TimeStep(Now));
        Assert.That(Totp.TryVerify(RfcSecret, code, Now, 0, out var lastUsed), Is.True);

        Assert.That(Totp.TryVerify(RfcSecret, code, Now, lastUsed, out _), Is.False);
    }

    [Test]
    public void TryVerify_rejects_a_code_older_than_the_last_used_step()
    {
        var step = Totp.TimeStep(Now);
        var previous = Totp.Compute(RfcSecret, step - 1);

        Assert.That(Totp.TryVerify(RfcSecret, previous, Now, step, out _), Is.False);
    }

    [Test]
    public void TryVerify_accepts_the_next_step_after_the_current_one_was_used()
    {
        var step = Totp.TimeStep(Now);
        var next = Totp.Compute(RfcSecret, step + 1);

        Assert.That(Totp.TryVerify(RfcSecret, next, Now, step, out var matched), Is.True);
        Assert.That(matched, Is.EqualTo(step + 1));
    }

    [Test]
    public void TryVerify_rejects_a_code_for_another_secret()
    {
        var code = Totp.Compute(RfcSecret, Totp.TimeStep(Now));
        var otherSecret = "12345678901234567891"u8.ToArray();

        Assert.That(Totp.TryVerify(otherSecret, code, Now, 0, out _), Is.False);
    }

    [Test]
    public void TryVerify_ignores_spaces_in_the_code()
    {
        var code = Totp.Compute(RfcSecret, Totp.TimeStep(Now));
        var spaced = $" {code[..3]} {code[3..]} ";

        Assert.That(Totp.TryVerify(RfcSecret, spaced, Now, 0, out _), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("      ")]
    [TestCase("12345")]
    [TestCase("1234567")]
    [TestCase("12a456")]
    [TestCase("+12345")]
    [TestCase("-12345")]
    [TestCase("١٢٣٤٥٦")]
    [TestCase("１２３４５６")]
    [TestCase("123\t456")]
    public void TryVerify_rejects_codes_that_are_not_six_ascii_digits(string? code)
    {
        Assert.That(Totp.TryVerify(RfcSecret, code!, Now, 0, out _), Is.False);
    }

    [Test]
    public void TryVerify_rejects_a_correct_code_with_extra_digits()
    {
        var code = Totp.Compute(RfcSecret, Totp.TimeStep(Now));

        Assert.That(Totp.TryVerify(RfcSecret, code + "0", Now, 0, out _), Is.False);
        Assert.That(Totp.TryVerify(RfcSecret, "0" + code, Now, 0, out _), Is.False);
    }

    [Test]
    public void ProvisioningUri_escapes_issuer_and_account()
    {
        var uri = Totp.ProvisioningUri("Example Corp", "alice@example.com", RfcSecret);

        Assert.That(uri, Is.EqualTo(
            "otpauth://totp/Example%20Corp:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30"));
    }

    [Test]
    public void ProvisioningUri_keeps_query_delimiters_in_names_from_splitting_the_query()
    {
        var uri = new Uri(Totp.ProvisioningUri("A&B=C?", "bob#1", RfcSecret));
        var query = uri.Query.TrimStart('?').Split('&');

        Assert.That(query, Has.Length.EqualTo(5));
        Assert.That(query[1], Is.EqualTo("issuer=A%26B%3DC%3F"));
        Assert.That(Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')), Is.EqualTo("A&B=C?:bob#1"));
    }

    [Test]
    public void ProvisioningUri_secret_decodes_to_the_original_bytes()
    {
        var secret = Totp.GenerateSecret();
        var uri = new Uri(Totp.ProvisioningUri("Appliance", "carol", secret));
        var encoded = uri.Query.TrimStart('?').Split('&')[0]["secret=".Length..];

        Assert.That(Base32.TryDecode(encoded, out var decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(secret));
    }

    [TestCase("Evil:Corp", "alice")]
    [TestCase("Corp", "alice:admin")]
    [TestCase("", "alice")]
    [TestCase("Corp", "")]
    public void ProvisioningUri_rejects_empty_names_and_colons(string issuer, string account)
    {
        Assert.That(() => Totp.ProvisioningUri(issuer, account, RfcSecret), Throws.ArgumentException);
    }
}
