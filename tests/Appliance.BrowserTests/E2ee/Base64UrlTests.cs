using System.Buffers.Text;
using System.Security.Cryptography;

namespace Appliance.BrowserTests.E2ee;

/// <summary>base64url.js in Chromium against .NET's Base64Url, which the server uses for the same fields.</summary>
[TestFixture]
public sealed class Base64UrlTests
{
    [Test]
    public async Task Encoding_and_decoding_agree_with_dotnet_for_every_length_up_to_64()
    {
        var samples = Enumerable.Range(0, 65).Select(RandomNumberGenerator.GetBytes).ToList();
        // One sample of every byte value, so that every character of the alphabet appears.
        samples.Add(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());

        var result = await E2eePage.RunAsync<string[][]>("""
            const b = await import('/js/e2ee/base64url.js');
            return arg.map(([bytes, text]) => [b.encode(hex(bytes)), (() => { const d = b.decode(text); return d ? toHex(d) : 'null'; })()]);
            """, samples.Select(s => new[] { Convert.ToHexStringLower(s), Base64Url.EncodeToString(s) }).ToArray());

        Assert.That(result.Select(r => r[0]), Is.EqualTo(samples.Select(s => Base64Url.EncodeToString(s))));
        Assert.That(result.Select(r => r[1]), Is.EqualTo(samples.Select(Convert.ToHexStringLower)));
    }

    [TestCase("QUI=", Description = "padding")]
    [TestCase("QU I", Description = "white space")]
    [TestCase("QUI+", Description = "the base64 alphabet, not base64url")]
    [TestCase("QU/", Description = "the base64 alphabet, not base64url")]
    [TestCase("Q", Description = "a length no byte string has")]
    [TestCase("QUJ", Description = "unused low bits not zero (QUI is canonical)")]
    [TestCase("QR", Description = "unused low bits not zero (QQ is canonical)")]
    [TestCase("QUI\n", Description = "a line end")]
    public async Task Anything_but_the_one_canonical_form_does_not_decode(string text)
    {
        var decoded = await E2eePage.RunAsync<string>(
            "const b = await import('/js/e2ee/base64url.js'); return String(b.decode(arg));", text);

        Assert.That(decoded, Is.EqualTo("null"));
    }
}
