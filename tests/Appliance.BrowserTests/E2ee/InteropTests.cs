using System.Text;
using System.Text.Json;
using Appliance.Crypto.E2ee;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// The browser and a C# participant (crypto/Appliance.Crypto/E2ee) read each other: sender keys sealed on one side
/// open on the other, and frames of every stream kind protected on one side unprotect on the other.
/// </summary>
[TestFixture]
public sealed class InteropTests
{
    // Not ASCII and with the separator in it: the AAD is UTF-8 of the ids exactly as they are.
    private const string MeetingId = "møde|7";
    private const string BrowserId = "browser-ø";
    private const string CsharpId = "csharp-å";

    [Test]
    public async Task Sender_keys_sealed_on_either_side_open_on_the_other()
    {
        var browserIkm = Encoding.UTF8.GetBytes("the browser's key pair for this test");
        using var browserPublic = HpkeKeyPair.Derive(browserIkm);
        using var csharp = HpkeKeyPair.Generate();
        var csharpBaseKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var sealedForBrowser = SenderKeyEnvelope.Seal(browserPublic.PublicKey, MeetingId, CsharpId, BrowserId, 3, csharpBaseKey);

        var result = await E2eePage.RunAsync<string[]>("""
            const h = await import('/js/e2ee/hpke.js');
            const pair = await h.deriveKeyPair(hex(arg.ikm));
            const opened = await h.openSenderKey(pair, hex(arg.sealed), arg.meetingId, arg.csharpId, arg.browserId, 3);
            const baseKey = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);
            const sealed = await h.sealSenderKey(hex(arg.csharpPublicKey), arg.meetingId, arg.browserId, arg.csharpId, 4, baseKey);
            return [opened ? toHex(opened) : 'null', toHex(sealed), toHex(baseKey)];
            """, new
        {
            ikm = Convert.ToHexStringLower(browserIkm),
            @sealed = Convert.ToHexStringLower(sealedForBrowser),
            csharpPublicKey = Convert.ToHexStringLower(csharp.PublicKey),
            meetingId = MeetingId,
            browserId = BrowserId,
            csharpId = CsharpId,
        });

        Assert.That(result[0], Is.EqualTo(Convert.ToHexStringLower(csharpBaseKey)), "C# → browser");
        var opened = SenderKeyEnvelope.TryOpen(Convert.FromHexString(result[1]), csharp, MeetingId, BrowserId, CsharpId, 4, out var browserBaseKey);
        Assert.That(opened, Is.True, "browser → C#");
        Assert.That(Convert.ToHexStringLower(browserBaseKey!), Is.EqualTo(result[2]));
        Assert.That(SenderKeyEnvelope.TryOpen(Convert.FromHexString(result[1]), csharp, MeetingId, BrowserId, CsharpId, 5, out _), Is.False);
    }

    [Test]
    public async Task Frames_of_every_stream_protected_in_the_browser_unprotect_in_csharp()
    {
        var baseKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

        var frames = await E2eePage.RunAsync<string[][]>("""
            const s = await import('/js/e2ee/sframe.js');
            const sender = new s.SframeSender();
            await sender.setKey(hex(arg.baseKey), 2, 260);
            const audio = await sender.protect(s.STREAM.microphone, utf8('opus frame'));
            const again = await sender.protect(s.STREAM.microphone, utf8('next opus frame'));
            const keyFrame = Uint8Array.from({ length: 30 }, (_, i) => i);
            const video = await sender.protectVideoFrame(s.STREAM.camera, keyFrame, true);
            const delta = await sender.protectVideoFrame(s.STREAM.screen, keyFrame.subarray(0, 12), false);
            const chat = await sender.protect(s.STREAM.chat, utf8('Hej, alle sammen'), utf8(arg.meetingId));
            return [
              ['microphone', toHex(audio), '', toHex(utf8('opus frame'))],
              ['microphone', toHex(again), '', toHex(utf8('next opus frame'))],
              ['camera', toHex(video.subarray(10)), toHex(keyFrame.subarray(0, 10)), toHex(keyFrame.subarray(10))],
              ['screen', toHex(delta.subarray(3)), toHex(keyFrame.subarray(0, 3)), toHex(keyFrame.subarray(3, 12))],
              ['chat', toHex(chat), toHex(utf8(arg.meetingId)), toHex(utf8('Hej, alle sammen'))],
            ];
            """, new { baseKey = Convert.ToHexStringLower(baseKey), meetingId = MeetingId });

        var receiver = new SframeReceiver();
        foreach (var stream in Enum.GetValues<StreamKind>())
        {
            receiver.AddKey(SframeKey.Derive(SframeSuite.AesGcm128Sha256, SenderKid.Compose(2, stream, 260), baseKey));
        }

        Assert.That(frames, Has.Length.EqualTo(5));
        Assert.Multiple(() =>
        {
            foreach (var (frame, index) in frames.Select((f, i) => (f, i)))
            {
                var ciphertext = Convert.FromHexString(frame[1]);
                var plaintext = new byte[ciphertext.Length];
                var result = receiver.Unprotect(ciphertext, Convert.FromHexString(frame[2]), plaintext, out var header, out var written);
                Assert.That(result, Is.EqualTo(SframeResult.Ok), $"{index}: {frame[0]}");
                Assert.That(Convert.ToHexStringLower(plaintext.AsSpan(0, written)), Is.EqualTo(frame[3]), $"{index}: {frame[0]}");
                Assert.That(header.Kid, Is.EqualTo(SenderKid.Compose(2, Enum.Parse<StreamKind>(frame[0], ignoreCase: true), 260)));
            }
        });
    }

    [Test]
    public async Task Frames_protected_in_csharp_unprotect_in_the_browser()
    {
        var baseKey = Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray();
        var frames = new List<object>();
        var senders = new Dictionary<StreamKind, SframeSender>();
        foreach (var (stream, text, metadata) in new[]
        {
            (StreamKind.Microphone, "first", ""), (StreamKind.Microphone, "second", ""), (StreamKind.Camera, "pixels", "9d012a"),
            (StreamKind.Chat, "Hallå", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(MeetingId))),
        })
        {
            // One sender (one key, one counter) per stream, as the contract has it.
            if (!senders.TryGetValue(stream, out var sender))
            {
                sender = new SframeSender(SframeKey.Derive(SframeSuite.AesGcm128Sha256, SenderKid.Compose(5, stream, 1), baseKey));
                senders[stream] = sender;
            }

            var plaintext = Encoding.UTF8.GetBytes(text);
            var destination = new byte[plaintext.Length + sender.MaxOverhead];
            Assert.That(sender.Protect(plaintext, Convert.FromHexString(metadata), destination, out var written), Is.True);
            frames.Add(new { frame = Convert.ToHexStringLower(destination.AsSpan(0, written)), metadata });
        }

        var texts = await E2eePage.RunAsync<string[]>("""
            const s = await import('/js/e2ee/sframe.js');
            const ring = new s.SframeKeyRing();
            await ring.add(5, 1, hex(arg.baseKey));
            const texts = [];
            for (const { frame, metadata } of arg.frames) {
              const opened = await s.unprotect((kid) => ring.lookup(kid), hex(frame), hex(metadata));
              texts.push(opened.ok ? `${new TextDecoder().decode(opened.plaintext)} ${opened.ctr}` : opened.reason);
            }
            return texts;
            """, new { baseKey = Convert.ToHexStringLower(baseKey), frames });

        Assert.That(texts, Is.EqualTo(new[] { "first 0", "second 1", "pixels 0", "Hallå 0" }));
    }
}
