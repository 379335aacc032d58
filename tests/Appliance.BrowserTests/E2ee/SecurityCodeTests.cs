using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// code.js in Chromium: the security code people compare aloud, against the shared known answer
/// (tests/testdata/e2ee/security-code.json) and against the contract's formula computed here with .NET's SHA-256.
/// </summary>
[TestFixture]
public sealed class SecurityCodeTests
{
    [TestCase(Engine.Chromium)]
    [TestCase(Engine.Node)]
    public async Task Every_known_answer_gives_its_code(Engine engine)
    {
        var json = TestVectors.ReadText("e2ee", "security-code.json");
        using var file = JsonDocument.Parse(json);
        var cases = file.RootElement.GetProperty("cases").EnumerateArray().ToList();

        var codes = await E2eePage.RunAsync<string[]>(engine, """
            const c = await import('/js/e2ee/code.js');
            return Promise.all(JSON.parse(arg).cases.map((v) => c.securityCode(v.epoch, v.publicKeys.map(hex))));
            """, json);

        var expected = cases.Select(v => v.GetProperty("code").GetString()).ToList();
        Assert.That(codes, Is.EqualTo(expected));
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(2));
        // The formula below, which the other tests trust, gives the known answers too.
        Assert.That(cases.Select(v => Expected(v.GetProperty("epoch").GetUInt32(),
            v.GetProperty("publicKeys").EnumerateArray().Select(k => Convert.FromHexString(k.GetString()!)))), Is.EqualTo(expected));
    }

    [Test]
    public async Task The_code_is_the_contracts_formula_for_any_order_of_the_keys()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        const uint epoch = 0xfedc_ba98;

        var codes = await E2eePage.RunAsync<string[]>("""
            const c = await import('/js/e2ee/code.js');
            const keys = arg.keys.map(hex);
            return [
              await c.securityCode(arg.epoch, keys),
              await c.securityCode(arg.epoch, [...keys].reverse()),
              await c.securityCode(arg.epoch - 1, keys),
              await c.securityCode(arg.epoch, keys.slice(1)),
              await c.securityCode(0, []),
            ];
            """, new { epoch = (double)epoch, keys = keys.Select(Convert.ToHexStringLower).ToArray() });

        Assert.That(codes, Is.EqualTo(new[]
        {
            Expected(epoch, keys), Expected(epoch, keys), Expected(epoch - 1, keys), Expected(epoch, keys.Skip(1)), Expected(0, []),
        }));
        Assert.That(codes, Is.All.Match(@"^\d{4} \d{4} \d{4}$"));
        Assert.That(codes.Take(1).Concat(codes.Skip(2)).Distinct().Count(), Is.EqualTo(4), "epoch and keys each change the code");
    }

    [Test]
    public async Task Leading_zeros_are_kept()
    {
        // The first epochs whose codes (with no keys) begin with "00" and with "0000": about 1 in 100 and 1 in 10 000.
        var epochs = new[] { "00", "0000" }.Select(prefix =>
            Enumerable.Range(0, 1_000_000).Select(e => (uint)e).First(e => Expected(e, []).StartsWith(prefix, StringComparison.Ordinal))).ToList();

        var codes = await E2eePage.RunAsync<string[]>(
            "const c = await import('/js/e2ee/code.js'); return Promise.all(arg.map((epoch) => c.securityCode(epoch, [])));",
            epochs.Select(e => (double)e).ToArray());

        Assert.That(codes, Is.EqualTo(epochs.Select(e => Expected(e, []))));
    }

    [Test]
    public async Task Keys_that_differ_only_in_their_last_byte_sort_bytewise()
    {
        // 0x7f… and 0x80…: a signed comparison would put them the other way round.
        var low = Enumerable.Repeat((byte)0x7f, 32).ToArray();
        var high = Enumerable.Repeat((byte)0x80, 32).ToArray();
        var lowLast = Enumerable.Repeat((byte)0x01, 32).ToArray();
        var highLast = (byte[])lowLast.Clone();
        highLast[31] = 0x02;
        List<byte[]> keys = [high, highLast, low, lowLast];

        var code = await E2eePage.RunAsync<string>(
            "const c = await import('/js/e2ee/code.js'); return c.securityCode(3, arg.map(hex));",
            keys.Select(Convert.ToHexStringLower).ToArray());

        Assert.That(code, Is.EqualTo(Expected(3, keys)));
    }

    [Test]
    public async Task Bad_input_is_refused_and_the_code_is_read_digit_by_digit()
    {
        var result = await E2eePage.RunAsync<string[]>("""
            const c = await import('/js/e2ee/code.js');
            const key = new Uint8Array(32);
            const results = [];
            for (const [epoch, keys] of [[-1, [key]], [2 ** 32, [key]], [1.5, [key]], [1, [new Uint8Array(31)]], [1, 'keys']]) {
              try {
                await c.securityCode(epoch, keys);
                results.push('accepted');
              } catch {
                results.push('refused');
              }
            }
            results.push(c.digitsForSpeech('0421 9983 1170'));
            results.push(c.digitsForSpeech(await c.securityCode(2 ** 32 - 1, [key, key])).replace(/\d/g, 'd'));
            return results;
            """);

        Assert.That(result, Is.EqualTo(new[]
        {
            "refused", "refused", "refused", "refused", "refused", "0 4 2 1, 9 9 8 3, 1 1 7 0", "d d d d, d d d d, d d d d",
        }));
    }

    // The contract's "Security code", written out once more on this side.
    private static string Expected(uint epoch, IEnumerable<byte[]> publicKeys)
    {
        var sorted = publicKeys.Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).ToList();
        var input = new List<byte>(Encoding.UTF8.GetBytes("appliance security code v1"));
        var epochBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(epochBytes, epoch);
        input.AddRange(epochBytes);
        sorted.ForEach(input.AddRange);
        var hash = SHA256.HashData(input.ToArray());
        var digits = (BinaryPrimitives.ReadUInt64BigEndian(hash) % 1_000_000_000_000UL).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
        return $"{digits[..4]} {digits[4..8]} {digits[8..]}";
    }
}
