using System.Text.Json;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// hpke.js in Chromium: the RFC 9180 Appendix A.1 vectors of our suite (tests/testdata/hpke), sealed sender keys bound
/// to every part of the contract's aad, and what a hostile server could send instead of a key.
/// </summary>
[TestFixture]
public sealed class HpkeTests
{
    private const string OurSuite = "mode 0, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM";

    [TestCase(Engine.Chromium)]
    [TestCase(Engine.Node)]
    public async Task Every_vector_of_our_suite_matches_keys_key_schedule_every_encryption_and_every_export(Engine engine)
    {
        var json = TestVectors.ReadText("hpke", "rfc9180-a1-base.json");
        using var file = JsonDocument.Parse(json);
        var ours = file.RootElement.GetProperty("vectors").EnumerateArray()
            .Where(v => v.GetProperty("mode").GetInt32() == 0 && v.GetProperty("kem_id").GetInt32() == 0x20
                && v.GetProperty("kdf_id").GetInt32() == 1 && v.GetProperty("aead_id").GetInt32() == 1)
            .ToList();
        var expected = ours.Sum(v => 1 + v.GetProperty("encryptions").GetArrayLength() + v.GetProperty("exports").GetArrayLength());

        var run = await E2eePage.RunAsync<VectorRun>(engine, """
            const h = await import('/js/e2ee/hpke.js');
            const failures = [];
            let checked = 0;
            const expect = (name, actual, wanted) => { if (actual !== wanted) failures.push(`${name}: ${actual}, expected ${wanted}`); };
            for (const v of JSON.parse(arg).vectors) {
              if (v.mode !== 0 || v.kem_id !== 0x20 || v.kdf_id !== 1 || v.aead_id !== 1) continue;
              checked++;
              const ephemeral = await h.deriveKeyPair(hex(v.ikmE));
              const recipient = await h.deriveKeyPair(hex(v.ikmR));
              expect('pkEm', toHex(ephemeral.publicKey), v.pkEm);
              expect('skEm', toHex(ephemeral.privateKeyBytes), v.skEm);
              expect('pkRm', toHex(recipient.publicKey), v.pkRm);
              expect('skRm', toHex(recipient.privateKeyBytes), v.skRm);
              const { enc, context: sender } = await h.setupBaseS(hex(v.pkRm), hex(v.info), ephemeral);
              expect('enc', toHex(enc), v.enc);
              const receiver = await h.setupBaseR(hex(v.enc), recipient, hex(v.info));
              for (const [side, context] of [['sender', sender], ['receiver', receiver]]) {
                expect(`${side} shared_secret`, toHex(context.sharedSecret), v.shared_secret);
                expect(`${side} key`, toHex(context.key), v.key);
                expect(`${side} base_nonce`, toHex(context.baseNonce), v.base_nonce);
                expect(`${side} exporter_secret`, toHex(context.exporterSecret), v.exporter_secret);
              }
              // The vectors list some sequence numbers only; the ones between are sealed and opened with other data so
              // that both contexts reach each listed number the way a real exchange would.
              const listed = new Map(v.encryptions.map((e) => [e.sequence_number, e]));
              const last = Math.max(...listed.keys());
              for (let seq = 0; seq <= last; seq++) {
                const e = listed.get(seq);
                const aad = e ? hex(e.aad) : utf8(`filler ${seq}`);
                const pt = e ? hex(e.pt) : utf8('filler');
                const ct = await sender.seal(aad, pt);
                if (e) {
                  checked++;
                  expect(`seal ${seq}`, toHex(ct), e.ct);
                }
                const opened = await receiver.open(aad, e ? hex(e.ct) : ct);
                expect(`open ${seq}`, opened && toHex(opened), toHex(pt));
              }
              for (const x of v.exports) {
                checked++;
                expect(`sender export ${x.exporter_context}`, toHex(await sender.export(hex(x.exporter_context), x.L)), x.exported_value);
                expect(`receiver export ${x.exporter_context}`, toHex(await receiver.export(hex(x.exporter_context), x.L)), x.exported_value);
              }
            }
            return { checked, failures };
            """, json);

        Assert.That(ours, Is.Not.Empty, OurSuite);
        Assert.That(run.Failures, Is.Empty);
        Assert.That(run.Checked, Is.EqualTo(expected));
    }

    [Test]
    public async Task A_context_opens_in_order_and_a_failed_open_does_not_move_the_sequence()
    {
        var result = await E2eePage.RunAsync<string[]>("""
            const h = await import('/js/e2ee/hpke.js');
            const recipient = await h.generateKeyPair();
            const info = utf8('context test');
            const { enc, context: sender } = await h.setupBaseS(recipient.publicKey, info);
            const receiver = await h.setupBaseR(enc, recipient, info);
            // Concurrent seals still take sequence numbers in call order.
            const sealed = await Promise.all(['one', 'two', 'three'].map((text) => sender.seal(utf8('aad'), utf8(text))));
            const results = [];
            const read = async (aad, ct) => { const pt = await receiver.open(utf8(aad), ct); return pt ? new TextDecoder().decode(pt) : 'null'; };
            results.push(await read('aad', sealed[1]));   // out of order: the nonce is that of 0
            results.push(await read('other', sealed[0])); // wrong aad
            results.push(await read('aad', sealed[0]));
            results.push(await read('aad', sealed[1]));
            results.push(await read('aad', sealed[1]));   // a replay
            results.push(await read('aad', sealed[2]));
            return results;
            """);

        Assert.That(result, Is.EqualTo(new[] { "null", "null", "one", "two", "null", "three" }));
    }

    [Test]
    public async Task A_sealed_sender_key_opens_only_for_its_meeting_sender_recipient_and_generation()
    {
        var result = await E2eePage.RunAsync<JsonElement>("""
            const h = await import('/js/e2ee/hpke.js');
            const bob = await h.generateKeyPair();
            const eve = await h.generateKeyPair();
            const baseKey = crypto.getRandomValues(new Uint8Array(32));
            const sealed = await h.sealSenderKey(bob.publicKey, 'meeting-1', 'alice', 'bob', 7, baseKey);
            const opens = async (pair, bytes, ...args) => { const key = await h.openSenderKey(pair, bytes, ...args); return key ? toHex(key) : null; };
            const flipped = new Uint8Array(sealed);
            flipped[40] ^= 0x80;
            const twice = await h.sealSenderKey(bob.publicKey, 'meeting-1', 'alice', 'bob', 7, baseKey);
            let refusedShortKey = false;
            try { await h.sealSenderKey(bob.publicKey, 'meeting-1', 'alice', 'bob', 7, new Uint8Array(16)); } catch { refusedShortKey = true; }
            return {
              length: sealed.length,
              baseKey: toHex(baseKey),
              fresh: toHex(twice) !== toHex(sealed),
              refusedShortKey,
              right: await opens(bob, sealed, 'meeting-1', 'alice', 'bob', 7),
              wrong: [
                await opens(bob, sealed, 'meeting-2', 'alice', 'bob', 7),
                await opens(bob, sealed, 'meeting-1', 'mallory', 'bob', 7),
                await opens(bob, sealed, 'meeting-1', 'alice', 'carol', 7),
                await opens(bob, sealed, 'meeting-1', 'alice', 'bob', 8),
                await opens(eve, sealed, 'meeting-1', 'alice', 'bob', 7),
                await opens(bob, flipped, 'meeting-1', 'alice', 'bob', 7),
                await opens(bob, sealed.subarray(0, 47), 'meeting-1', 'alice', 'bob', 7),
                await opens(bob, new Uint8Array(0), 'meeting-1', 'alice', 'bob', 7),
                await opens(bob, sealed, 'meeting-1', 'alice', 'bob', -1),
              ],
            };
            """);

        Assert.Multiple(() =>
        {
            // enc (32) || ciphertext of the 32-byte base key (32) || tag (16)
            Assert.That(result.GetProperty("length").GetInt32(), Is.EqualTo(80));
            Assert.That(result.GetProperty("right").GetString(), Is.EqualTo(result.GetProperty("baseKey").GetString()));
            Assert.That(result.GetProperty("fresh").GetBoolean(), Is.True, "each seal has its own ephemeral key");
            Assert.That(result.GetProperty("refusedShortKey").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("wrong").EnumerateArray().Select(e => e.ValueKind).ToList(), Has.Count.EqualTo(9).And.All.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task The_sender_key_info_and_aad_are_the_contracts_strings()
    {
        // Opened by hand with the bare HPKE API: the strings are the contract's, not only whatever sealSenderKey uses.
        var opened = await E2eePage.RunAsync<string?>("""
            const h = await import('/js/e2ee/hpke.js');
            const bob = await h.generateKeyPair();
            const baseKey = Uint8Array.from({ length: 32 }, (_, i) => i);
            const sealed = await h.sealSenderKey(bob.publicKey, 'm-42', 'p-1', 'p-2', 12, baseKey);
            const key = await h.open(bob, sealed, utf8('appliance e2ee v1 sender key'), utf8('m-42|p-1|p-2|12'));
            return key && toHex(key);
            """);

        Assert.That(opened, Is.EqualTo(Convert.ToHexStringLower(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())));
    }

    [Test]
    public async Task Small_order_public_keys_are_refused_rather_than_giving_an_all_zero_secret()
    {
        // RFC 7748 small-order points: X25519 with them is zero for every private key (RFC 9180 §7.1.4 says to refuse).
        var result = await E2eePage.RunAsync<string[]>("""
            const h = await import('/js/e2ee/hpke.js');
            const pair = await h.generateKeyPair();
            const small = [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31)),
              hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')];
            const results = [];
            for (const point of small) {
              try {
                await h.setupBaseS(point, utf8('info'));
                results.push('set up');
              } catch {
                results.push('refused');
              }
              const sealed = Uint8Array.of(...point, ...new Uint8Array(48));
              results.push(String(await h.open(pair, sealed, utf8('info'), new Uint8Array(0))));
            }
            return results;
            """);

        Assert.That(result, Is.EqualTo(new[] { "refused", "null", "refused", "null", "refused", "null" }));
    }

    [Test]
    public async Task Generated_keys_are_fresh_32_byte_public_keys_with_private_keys_that_cannot_be_exported()
    {
        var result = await E2eePage.RunAsync<JsonElement>("""
            const h = await import('/js/e2ee/hpke.js');
            const a = await h.generateKeyPair();
            const b = await h.generateKeyPair();
            const derived = await h.deriveKeyPair(utf8('some input keying material'));
            const again = await h.deriveKeyPair(utf8('some input keying material'));
            // Only a public key that belongs to the private key lets what is sealed to it open.
            const toDerived = await h.seal(derived.publicKey, utf8('i'), utf8('a'), utf8('derived'));
            return {
              lengths: [a.publicKey.length, b.publicKey.length, derived.publicKey.length, derived.privateKeyBytes.length],
              different: toHex(a.publicKey) !== toHex(b.publicKey),
              extractable: [a.privateKey.extractable, derived.privateKey.extractable],
              deterministic: toHex(again.publicKey) === toHex(derived.publicKey),
              roundTrip: toHex(await h.open(a, await h.seal(a.publicKey, utf8('i'), utf8('a'), utf8('text')), utf8('i'), utf8('a'))),
              derivedOpens: new TextDecoder().decode(await h.open(derived, toDerived, utf8('i'), utf8('a')) ?? new Uint8Array(0)),
            };
            """);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt32()), Is.All.EqualTo(32));
            Assert.That(result.GetProperty("different").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("extractable").EnumerateArray().Select(e => e.GetBoolean()), Is.All.False);
            Assert.That(result.GetProperty("deterministic").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("roundTrip").GetString(), Is.EqualTo("74657874"));
            Assert.That(result.GetProperty("derivedOpens").GetString(), Is.EqualTo("derived"));
        });
    }
}
