using System.Text.Json;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// sframe.js in Chromium: the RFC 9605 test vectors (tests/testdata/sframe), and what the vectors do not show: frames
/// that are tampered with, come for an unknown KID or are cut short, the contract's KIDs, the sender's counters, the
/// receiver's key ring and VP8 frames with their clear prefix.
/// </summary>
[TestFixture]
public sealed class SframeTests
{
    // Big integers (KIDs and counters up to 2^64 - 1) keep their exact value: JSON.parse hands the reviver their source.
    private const string ParseVectors = """
        const data = JSON.parse(arg, (key, value, context) =>
          typeof value === 'number' && !Number.isSafeInteger(value) ? BigInt(context.source) : value);
        const s = await import('/js/e2ee/sframe.js');
        const failures = [];
        let checked = 0;
        """;

    private static readonly int[] OurSuites = [4, 5];

    [TestCase(Engine.Chromium)]
    [TestCase(Engine.Node)]
    public async Task Every_header_vector_encodes_to_its_bytes_and_decodes_to_its_kid_and_counter(Engine engine)
    {
        var json = TestVectors.ReadText("sframe", "test-vectors.json");
        using var vectors = JsonDocument.Parse(json);
        var expected = vectors.RootElement.GetProperty("header").GetArrayLength();

        var run = await E2eePage.RunAsync<VectorRun>(engine, ParseVectors + """
            for (const v of data.header) {
              checked++;
              const kid = BigInt(v.kid);
              const ctr = BigInt(v.ctr);
              const name = `kid ${kid} ctr ${ctr}`;
              const encoded = toHex(s.encodeHeader(kid, ctr));
              if (encoded !== v.encoded) failures.push(`${name}: encoded ${encoded}, expected ${v.encoded}`);
              const bytes = hex(v.encoded);
              // What follows the header (the ciphertext) must not change how it reads.
              const decoded = s.decodeHeader(Uint8Array.of(...bytes, 0xff, 0x00));
              if (!decoded || decoded.kid !== kid || decoded.ctr !== ctr || decoded.length !== bytes.length) {
                failures.push(`${name}: decoded ${decoded && `${decoded.kid}/${decoded.ctr}/${decoded.length}`}`);
              }
              if (s.decodeHeader(bytes.subarray(0, bytes.length - 1)) !== null) failures.push(`${name}: a truncated header decoded`);
            }
            return { checked, failures };
            """, json);

        Assert.That(run.Failures, Is.Empty);
        Assert.That(run.Checked, Is.EqualTo(expected).And.GreaterThan(100));
    }

    [TestCase(Engine.Chromium)]
    [TestCase(Engine.Node)]
    public async Task Every_AES_GCM_vector_derives_its_key_and_salt_encrypts_to_its_ciphertext_and_decrypts(Engine engine)
    {
        var json = TestVectors.ReadText("sframe", "test-vectors.json");
        using var vectors = JsonDocument.Parse(json);
        var cases = vectors.RootElement.GetProperty("sframe").EnumerateArray().Select(v => v.GetProperty("cipher_suite").GetInt32()).ToList();

        var run = await E2eePage.RunAsync<VectorRun>(engine, ParseVectors + """
            for (const v of data.sframe) {
              if (v.cipher_suite !== 4 && v.cipher_suite !== 5) continue;
              checked++;
              const name = `suite ${v.cipher_suite}`;
              const kid = BigInt(v.kid);
              const ctr = BigInt(v.ctr);
              const key = await s.deriveKey(hex(v.base_key), kid, v.cipher_suite);
              if (key.kid !== kid || key.suite !== v.cipher_suite) failures.push(`${name}: kid or suite not kept`);
              if (toHex(key.salt) !== v.sframe_salt) failures.push(`${name}: salt ${toHex(key.salt)}`);
              if (key.key.extractable) failures.push(`${name}: the key is extractable`);
              // The derived key cannot be exported, so it must encrypt a probe exactly as the vector's key does.
              const vectorKey = await crypto.subtle.importKey('raw', hex(v.sframe_key), 'AES-GCM', false, ['encrypt']);
              const probe = { name: 'AES-GCM', iv: hex(v.nonce), additionalData: hex(v.aad) };
              const ours = toHex(new Uint8Array(await crypto.subtle.encrypt(probe, key.key, hex(v.pt))));
              const theirs = toHex(new Uint8Array(await crypto.subtle.encrypt(probe, vectorKey, hex(v.pt))));
              if (ours !== theirs) failures.push(`${name}: the derived key is not sframe_key`);
              if (toHex(s.encodeHeader(kid, ctr)) + v.metadata !== v.aad) failures.push(`${name}: aad is not header || metadata`);
              const ct = toHex(await s.protect(key, ctr, hex(v.pt), hex(v.metadata)));
              if (ct !== v.ct) failures.push(`${name}: ciphertext ${ct}`);
              const opened = await s.unprotect((k) => (k === kid ? key : undefined), hex(v.ct), hex(v.metadata));
              if (!opened.ok || toHex(opened.plaintext) !== v.pt || opened.kid !== kid || opened.ctr !== ctr) {
                failures.push(`${name}: unprotect gave ${JSON.stringify(opened, (k, x) => (typeof x === 'bigint' ? `${x}` : x))}`);
              }
            }
            return { checked, failures };
            """, json);

        Assert.That(run.Failures, Is.Empty);
        Assert.That(run.Checked, Is.EqualTo(cases.Count(OurSuites.Contains)).And.GreaterThanOrEqualTo(2));
    }

    [Test]
    public async Task Key_salt_and_nonce_agree_with_an_HKDF_written_out_over_HMAC()
    {
        // Independent of every vector file: RFC 5869 and RFC 9605 §4.4 spelled out again with HMAC-SHA-256 and AES-GCM.
        var failures = await E2eePage.RunAsync<string[]>("""
            const s = await import('/js/e2ee/sframe.js');
            const hmac = async (key, data) => new Uint8Array(await crypto.subtle.sign('HMAC',
              await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), data));
            const label = (text, kid) => {
              const prefix = utf8(text);
              const out = new Uint8Array(prefix.length + 10);
              out.set(prefix);
              new DataView(out.buffer).setBigUint64(prefix.length, kid);
              new DataView(out.buffer).setUint16(prefix.length + 8, 4);
              return out;
            };
            const failures = [];
            const baseKey = crypto.getRandomValues(new Uint8Array(32));
            const kid = 0x1234567n;
            const ctr = 0xfedcba98n;
            const secret = await hmac(new Uint8Array(32), baseKey);
            const expandOne = async (info, length) => (await hmac(secret, Uint8Array.of(...info, 1))).subarray(0, length);
            const keyBytes = await expandOne(label('SFrame 1.0 Secret key ', kid), 16);
            const salt = await expandOne(label('SFrame 1.0 Secret salt ', kid), 12);
            const key = await s.deriveKey(baseKey, kid);
            if (toHex(key.salt) !== toHex(salt)) failures.push('salt differs');
            const nonce = new Uint8Array(salt);
            new DataView(nonce.buffer).setBigUint64(4, new DataView(salt.buffer).getBigUint64(4) ^ ctr);
            const plaintext = utf8('Ordinary words, privately.');
            const metadata = utf8('meeting-42');
            const frame = await s.protect(key, ctr, plaintext, metadata);
            const header = s.encodeHeader(kid, ctr);
            if (toHex(frame.subarray(0, header.length)) !== toHex(header)) failures.push('the frame does not start with its header');
            const aesKey = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt']);
            try {
              const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: Uint8Array.of(...header, ...metadata) },
                aesKey, frame.subarray(header.length));
              if (toHex(new Uint8Array(opened)) !== toHex(plaintext)) failures.push('decrypted to other bytes');
            } catch {
              failures.push('does not decrypt with the independently derived key and nonce');
            }
            return failures;
            """);

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task A_flipped_bit_anywhere_after_the_kid_or_in_the_metadata_is_tampered()
    {
        var reasons = await E2eePage.RunAsync<string[]>("""
            const s = await import('/js/e2ee/sframe.js');
            const key = await s.deriveKey(crypto.getRandomValues(new Uint8Array(32)), 1025);
            const metadata = Uint8Array.of(0x9d, 0x01, 0x2a);
            const frame = await s.protect(key, 300, utf8('twenty bytes of text'), metadata);
            const lookup = (kid) => (kid === 1025n ? key : undefined);
            const kidEnd = 1 + 2; // config byte and two KID bytes: flipping those changes the KID, not the tag's verdict
            const reasons = [];
            for (let i = kidEnd; i < frame.length; i++) {
              for (let bit = 0; bit < 8; bit++) {
                const copy = new Uint8Array(frame);
                copy[i] ^= 1 << bit;
                reasons.push(`${i}.${bit}: ${(await s.unprotect(lookup, copy, metadata)).reason ?? 'opened'}`);
              }
            }
            const otherMetadata = Uint8Array.of(0x9d, 0x01, 0x2b);
            reasons.push(`metadata: ${(await s.unprotect(lookup, frame, otherMetadata)).reason ?? 'opened'}`);
            reasons.push(`no metadata: ${(await s.unprotect(lookup, frame)).reason ?? 'opened'}`);
            const sameKidOtherKey = await s.deriveKey(crypto.getRandomValues(new Uint8Array(32)), 1025);
            reasons.push(`other key: ${(await s.unprotect(() => sameKidOtherKey, frame, metadata)).reason ?? 'opened'}`);
            return reasons;
            """);

        // 2 counter bytes, 20 of ciphertext and 16 of tag, each bit; then the three whole-frame cases.
        Assert.That(reasons, Has.Length.EqualTo(((2 + 20 + 16) * 8) + 3));
        Assert.That(reasons.Where(r => !r.EndsWith(": tampered", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_frame_for_a_kid_without_a_key_is_unknown_kid()
    {
        var reasons = await E2eePage.RunAsync<string[]>("""
            const s = await import('/js/e2ee/sframe.js');
            const baseKey = crypto.getRandomValues(new Uint8Array(32));
            const sender = new s.SframeSender();
            await sender.setKey(baseKey, 2, 5);
            const frame = await sender.protect(s.STREAM.microphone, utf8('hello'));
            const ring = new s.SframeKeyRing();
            const lookup = (kid) => ring.lookup(kid);
            const reasons = [];
            reasons.push((await s.unprotect(() => undefined, frame)).reason);
            reasons.push((await s.unprotect(lookup, frame)).reason);
            await ring.add(2, 4, baseKey);   // the right key, filed under another generation
            await ring.add(3, 5, baseKey);   // and under another sender
            reasons.push((await s.unprotect(lookup, frame)).reason);
            await ring.add(2, 5, baseKey);
            reasons.push((await s.unprotect(lookup, frame)).ok ? 'opened' : 'not opened');
            ring.forgetOlderThan(2, 6);
            reasons.push((await s.unprotect(lookup, frame)).reason);
            reasons.push((await s.unprotect(() => { throw new Error('lookup broke'); }, frame)).reason);
            // Generation 261 has the KIDs of generation 5; the older key arriving late must not displace it.
            await ring.add(2, 261, crypto.getRandomValues(new Uint8Array(32)));
            await ring.add(2, 5, baseKey);
            reasons.push((await s.unprotect(lookup, frame)).reason);
            return reasons;
            """);

        Assert.That(reasons, Is.EqualTo(new[] { "unknown-kid", "unknown-kid", "unknown-kid", "opened", "unknown-kid", "unknown-kid", "tampered" }));
    }

    [Test]
    public async Task Malformed_frames_are_reported_and_never_throw()
    {
        var reasons = await E2eePage.RunAsync<string[]>("""
            const s = await import('/js/e2ee/sframe.js');
            const key = await s.deriveKey(new Uint8Array(32), 7);
            const lookup = () => key;
            const inputs = [
              new Uint8Array(0),
              Uint8Array.of(0x8f),                       // an 8-byte KID announced, none there
              Uint8Array.of(0x9f, 0x01, 0x00, 0x01),     // KID there, 8-byte counter cut short
              Uint8Array.of(0x70),                       // a whole header, nothing after it
              Uint8Array.of(0x70, ...new Uint8Array(15)),// one byte short of a tag
              null,
              undefined,
              'not bytes',
              [0x70, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
            ];
            const reasons = [];
            for (const input of inputs) {
              try {
                reasons.push((await s.unprotect(lookup, input)).reason);
              } catch (error) {
                reasons.push(`threw ${error}`);
              }
            }
            reasons.push(String(s.decodeHeader(Uint8Array.of(0x8f, 1, 2, 3))));
            reasons.push(String(s.decodeHeader('70')));
            // An empty ciphertext with a whole tag is a well-formed frame; a zero tag does not verify.
            reasons.push((await s.unprotect(lookup, Uint8Array.of(0x70, ...new Uint8Array(16)))).reason);
            for (const frame of [new Uint8Array(3), new Uint8Array(10)]) {
              reasons.push((await s.unprotectVideoFrame(lookup, frame, frame.length === 10)).reason);
            }
            return reasons;
            """);

        Assert.That(reasons, Is.EqualTo(new[]
        {
            "malformed", "malformed", "malformed", "malformed", "malformed", "malformed", "malformed", "malformed", "malformed",
            "null", "null", "tampered", "malformed", "malformed",
        }));
    }

    [Test]
    public async Task Kids_follow_the_contract_and_each_stream_and_generation_has_its_own_key_and_counter()
    {
        var result = await E2eePage.RunAsync<JsonElement>("""
            const s = await import('/js/e2ee/sframe.js');
            const kids = [s.composeKid(1, s.STREAM.microphone, 0), s.composeKid(2, s.STREAM.camera, 3),
              s.composeKid(3, s.STREAM.screen, 255), s.composeKid(4, s.STREAM.chat, 256), s.composeKid(513, 3, 1000)];
            const split = [s.splitKid(2817), s.splitKid(2817n)].map((p) => `${p.senderIndex}/${p.stream}/${p.gen}`);
            const refused = [() => s.composeKid(1, 4, 0), () => s.composeKid(-1, 0, 0), () => s.composeKid(1, 0, 1.5)]
              .map((f) => { try { f(); return 'accepted'; } catch { return 'refused'; } });
            const baseKey = crypto.getRandomValues(new Uint8Array(32));
            const sender = new s.SframeSender();
            await sender.setKey(baseKey, 7, 300);
            const ring = new s.SframeKeyRing();
            await ring.add(7, 300, baseKey);
            const headers = [];
            const texts = [];
            // Concurrent calls: each must still take its own counter.
            const frames = await Promise.all([0, 1, 2, 3, 0, 1, 0, 3].map((stream, i) => sender.protect(stream, utf8(`frame ${i}`))));
            for (const frame of frames) {
              const h = s.decodeHeader(frame);
              headers.push(`${h.kid}:${h.ctr}`);
              const opened = await s.unprotect((kid) => ring.lookup(kid), frame);
              texts.push(opened.ok ? new TextDecoder().decode(opened.plaintext) : opened.reason);
            }
            // Each stream's key is different: a frame moved to another stream's KID does not open.
            const moved = Uint8Array.of(...s.encodeHeader(s.composeKid(7, 1, 300), 0), ...frames[0].subarray(s.decodeHeader(frames[0]).length));
            const movedReason = (await s.unprotect((kid) => ring.lookup(kid), moved)).reason;
            // The next generation (gen 556 = 300 + 256 has the same KID) continues the counter rather than reuse it.
            await sender.setKey(crypto.getRandomValues(new Uint8Array(32)), 7, 556);
            const after = s.decodeHeader(await sender.protect(0, utf8('later')));
            return { kids, split, refused, headers, texts, movedReason, after: `${after.kid}:${after.ctr}` };
            """);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("kids").EnumerateArray().Select(k => k.GetInt64()),
                Is.EqualTo(new long[] { 1024, 2048 + 256 + 3, 3072 + 512 + 255, 4096 + 768 + 0, (513 * 1024) + 768 + (1000 % 256) }));
            Assert.That(result.GetProperty("split").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(new[] { "2/3/1", "2/3/1" }));
            Assert.That(result.GetProperty("refused").EnumerateArray().Select(k => k.GetString()), Is.All.EqualTo("refused"));
            var kid = 7 * 1024 + (300 % 256);
            Assert.That(result.GetProperty("headers").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(new[]
            {
                $"{kid}:0", $"{kid + 256}:0", $"{kid + 512}:0", $"{kid + 768}:0", $"{kid}:1", $"{kid + 256}:1", $"{kid}:2", $"{kid + 768}:1",
            }));
            Assert.That(result.GetProperty("texts").EnumerateArray().Select(k => k.GetString()),
                Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"frame {i}")));
            Assert.That(result.GetProperty("movedReason").GetString(), Is.EqualTo("tampered"));
            Assert.That(result.GetProperty("after").GetString(), Is.EqualTo($"{kid}:3"));
        });
    }

    [Test]
    public async Task A_vp8_frame_keeps_its_prefix_in_clear_and_authenticated()
    {
        var result = await E2eePage.RunAsync<JsonElement>("""
            const s = await import('/js/e2ee/sframe.js');
            const baseKey = crypto.getRandomValues(new Uint8Array(32));
            const sender = new s.SframeSender();
            await sender.setKey(baseKey, 1, 0);
            const ring = new s.SframeKeyRing();
            await ring.add(1, 0, baseKey);
            const lookup = (kid) => ring.lookup(kid);
            const keyFrame = Uint8Array.from({ length: 40 }, (_, i) => i);
            const deltaFrame = Uint8Array.from({ length: 25 }, (_, i) => 200 - i);
            const sentKey = await sender.protectVideoFrame(s.STREAM.camera, keyFrame, true);
            const sentDelta = await sender.protectVideoFrame(s.STREAM.camera, deltaFrame, false);
            const tooShort = [await sender.protectVideoFrame(s.STREAM.camera, keyFrame.subarray(0, 10), true),
              await sender.protectVideoFrame(s.STREAM.camera, deltaFrame.subarray(0, 3), false)];
            const key = await ring.lookup(s.composeKid(1, s.STREAM.camera, 0));
            const direct = await s.protectVideoFrame(key, 99, keyFrame.subarray(0, 11), true);
            const openedKey = await s.unprotectVideoFrame(lookup, sentKey, true);
            const openedDelta = await s.unprotectVideoFrame(lookup, sentDelta, false);
            const changedPrefix = new Uint8Array(sentDelta);
            changedPrefix[0] ^= 1;
            const header = s.decodeHeader(sentKey.subarray(10));
            return {
              keyPrefix: toHex(sentKey.subarray(0, 10)), deltaPrefix: toHex(sentDelta.subarray(0, 3)),
              keyLength: sentKey.length, deltaLength: sentDelta.length,
              keyOpened: openedKey.ok && toHex(openedKey.plaintext), deltaOpened: openedDelta.ok && toHex(openedDelta.plaintext),
              header: `${header.kid}:${header.ctr}`, afterShort: `${s.decodeHeader(sentDelta.subarray(3)).ctr}`,
              tooShort: tooShort.map(String), direct: direct.length, directOpened: (await s.unprotectVideoFrame(lookup, direct, true)).ok,
              changedPrefix: (await s.unprotectVideoFrame(lookup, changedPrefix, false)).reason,
              asDelta: (await s.unprotectVideoFrame(lookup, sentKey, false)).ok,
              prefixes: [s.vp8ClearPrefixLength(true), s.vp8ClearPrefixLength(false)],
            };
            """);

        var keyFrame = Convert.ToHexStringLower(Enumerable.Range(0, 40).Select(i => (byte)i).ToArray());
        var deltaFrame = Convert.ToHexStringLower(Enumerable.Range(0, 25).Select(i => (byte)(200 - i)).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("keyPrefix").GetString(), Is.EqualTo(keyFrame[..20]));
            Assert.That(result.GetProperty("deltaPrefix").GetString(), Is.EqualTo(deltaFrame[..6]));
            // prefix || header (KID 1280 in two bytes, counter below 8 in the config byte) || ciphertext || tag
            Assert.That(result.GetProperty("keyLength").GetInt32(), Is.EqualTo(10 + 3 + 30 + 16));
            Assert.That(result.GetProperty("deltaLength").GetInt32(), Is.EqualTo(3 + 3 + 22 + 16));
            Assert.That(result.GetProperty("keyOpened").GetString(), Is.EqualTo(keyFrame));
            Assert.That(result.GetProperty("deltaOpened").GetString(), Is.EqualTo(deltaFrame));
            Assert.That(result.GetProperty("header").GetString(), Is.EqualTo("1280:0"));
            Assert.That(result.GetProperty("afterShort").GetString(), Is.EqualTo("1"), "a dropped frame uses no counter");
            Assert.That(result.GetProperty("tooShort").EnumerateArray().Select(e => e.GetString()), Is.All.EqualTo("null"));
            Assert.That(result.GetProperty("direct").GetInt32(), Is.EqualTo(10 + 4 + 1 + 16), "a counter of 99 takes a byte after the KID");
            Assert.That(result.GetProperty("directOpened").GetBoolean(), Is.True);
            Assert.That(result.GetProperty("changedPrefix").GetString(), Is.EqualTo("tampered"));
            Assert.That(result.GetProperty("asDelta").GetBoolean(), Is.False, "read with the wrong prefix length, a key frame does not open");
            Assert.That(result.GetProperty("prefixes").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 10, 3 }));
        });
    }

    [Test]
    public async Task The_key_ring_refuses_a_replayed_counter_and_one_64_or_more_behind_per_KID()
    {
        var result = await E2eePage.RunAsync<JsonElement>("""
            const s = await import('/js/e2ee/sframe.js');
            const ring = new s.SframeKeyRing();
            await ring.add(7, 1, crypto.getRandomValues(new Uint8Array(32)));
            const camera = s.composeKid(7, s.STREAM.camera, 1);
            const microphone = s.composeKid(7, s.STREAM.microphone, 1);
            const steps = [[camera, 5], [camera, 5], [camera, 3], [camera, 3], [microphone, 5], [camera, 68], [camera, 5],
              [camera, 4], [camera, 1000], [camera, 937], [camera, 936]];
            const accepted = steps.map(([kid, ctr]) => ring.acceptCounter(kid, ctr));
            const unknownKid = ring.acceptCounter(s.composeKid(8, 0, 1), 0);
            const window = new s.ReplayWindow();
            const top = 2n ** 64n - 1n;
            const edge = [window.accept(top), window.accept(top), window.accept(top - 63n), window.accept(top - 64n)];
            ring.forgetOlderThan(7, 2);
            const forgotten = ring.acceptCounter(camera, 2000);
            return { accepted, unknownKid, edge, forgotten, width: s.REPLAY_WINDOW };
            """);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("width").GetInt32(), Is.EqualTo(64), "the C# SframeReceiver's window");
            Assert.That(result.GetProperty("accepted").EnumerateArray().Select(e => e.GetBoolean()), Is.EqualTo(new[]
            {
                true, false, true, false, true, true, false, false, true, true, false,
            }), "5, 5 again, 3, 3 again, another KID's 5, 68, 5 again, 4 (64 behind), 1000, 937 (63 behind), 936 (64 behind)");
            Assert.That(result.GetProperty("unknownKid").GetBoolean(), Is.False, "a KID without a key");
            Assert.That(result.GetProperty("edge").EnumerateArray().Select(e => e.GetBoolean()), Is.EqualTo(new[] { true, false, true, false }), "at 2^64 - 1");
            Assert.That(result.GetProperty("forgotten").GetBoolean(), Is.False, "a forgotten generation accepts nothing");
        });
    }
}
