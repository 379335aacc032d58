namespace Appliance.Crypto.Tests;

public class SecretTokenTests
{
    [Test]
    public void Generate_returns_43_base64url_characters()
    {
        var token = SecretToken.Generate();

        Assert.That(token, Has.Length.EqualTo(43).And.Match("^[A-Za-z0-9_-]{43}$"));
        Assert.That(SecretToken.LooksValid(token), Is.True);
    }

    [Test]
    public void Generate_returns_a_different_token_each_time()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => SecretToken.Generate()).ToList();

        Assert.That(tokens, Is.Unique);
    }

    [Test]
    public void Hash_is_the_lowercase_hex_sha256_of_the_utf8_token()
    {
        // FIPS 180-2 example "abc"
        Assert.That(SecretToken.Hash("abc"), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    [Test]
    public void Matches_accepts_the_token_that_produced_the_hash()
    {
        var token = SecretToken.Generate();

        Assert.That(SecretToken.Matches(token, SecretToken.Hash(token)), Is.True);
    }

    [Test]
    public void Matches_accepts_an_uppercase_stored_hash()
    {
        var token = SecretToken.Generate();

        Assert.That(SecretToken.Matches(token, SecretToken.Hash(token).ToUpperInvariant()), Is.True);
    }

    [Test]
    public void Matches_rejects_another_token()
    {
        var hash = SecretToken.Hash(SecretToken.Generate());

        Assert.That(SecretToken.Matches(SecretToken.Generate(), hash), Is.False);
    }

    [Test]
    public void Matches_rejects_a_hash_with_one_changed_digit()
    {
        var token = SecretToken.Generate();
        var hash = SecretToken.Hash(token);
        var tampered = (hash[0] == '0' ? '1' : '0') + hash[1..];

        Assert.That(SecretToken.Matches(token, tampered), Is.False);
    }

    [TestCase(null, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [TestCase("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("abc", null)]
    [TestCase("abc", "")]
    [TestCase("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015")]
    [TestCase("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adad")]
    [TestCase("abc", "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void Matches_returns_false_for_missing_or_malformed_input(string? token, string? expectedHash)
    {
        Assert.That(SecretToken.Matches(token!, expectedHash!), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    public void LooksValid_rejects_anything_but_43_base64url_characters(string? token)
    {
        Assert.That(SecretToken.LooksValid(token), Is.False);
    }

    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("azAZ09-_azAZ09-_azAZ09-_azAZ09-_azAZ09-_azA")]
    public void LooksValid_accepts_43_base64url_characters(string token)
    {
        Assert.That(SecretToken.LooksValid(token), Is.True);
    }
}
