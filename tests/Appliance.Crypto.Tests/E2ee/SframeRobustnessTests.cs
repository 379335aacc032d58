using Appliance.Crypto.E2ee;
using Appliance.Crypto.Tests.Srtp;

namespace Appliance.Crypto.Tests.E2ee;

/// <summary>
/// Garbage, truncated and mutated input to everything that parses frames from the network: never an exception,
/// always a result. Seeded, so a failure can be replayed.
/// </summary>
public class SframeRobustnessTests
{
    private const int Rounds = 20_000;

    [TestCase(1UL)]
    [TestCase(0xE2EEUL)]
    public void Random_bytes_never_make_the_parsers_or_the_receiver_throw(ulong seed)
    {
        var random = new XorShift64(seed);
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 3, new byte[32]);
        using var ctrKey = SframeKey.Derive(SframeSuite.AesCtr128HmacSha256Tag32, 4, new byte[32]);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        receiver.AddKey(ctrKey);
        var buffer = new byte[300];
        var output = new byte[300];
        var results = new Dictionary<SframeResult, int>();
        var parsed = 0;
        for (var i = 0; i < Rounds; i++)
        {
            var input = buffer.AsSpan(0, random.Next(buffer.Length));
            random.NextBytes(input);

            // Steer a share of inputs to the known KIDs (config byte 0x3X / 0x4X) so the AEAD paths run too.
            if (!input.IsEmpty && random.Next(3) == 0)
            {
                input[0] = (byte)(((3 + random.Next(2)) << 4) | (input[0] & 0x0F));
            }

            // An exception anywhere here fails the test with the round number in the stack's locals.
            parsed += SframeHeader.TryRead(input, out _, out _) ? 1 : 0;
            parsed += SframeFrames.TryParseVp8Payload(input, out _, out _, out _) ? 1 : 0;
            parsed += SframeFrames.TryParseOpusPayload(input, out _) ? 1 : 0;
            var result = receiver.Unprotect(input, input[..(input.Length / 4)], output, out _, out _);
            var videoResult = WebRtcFrames.UnprotectVideoFrame(receiver, input, input.Length % 2 == 0, output, out _);
            Assert.That(videoResult, Is.Not.EqualTo(SframeResult.Ok), $"round {i}");
            results[result] = results.GetValueOrDefault(result) + 1;
        }

        // The fuzzing reached every kind of refusal, and nothing random authenticated.
        Assert.That(results.Keys, Is.SupersetOf(new[] { SframeResult.Malformed, SframeResult.UnknownKid, SframeResult.Tampered }));
        Assert.That(results.GetValueOrDefault(SframeResult.Ok), Is.Zero);
        Assert.That(parsed, Is.Positive);
    }

    [Test]
    public void Every_truncation_and_single_bit_flip_of_a_real_frame_is_refused_without_throwing()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, 1_000_000, new byte[32]);
        var sender = new SframeSender(key);
        key.AdvanceCounterTo(70_000);
        var frame = new byte[200 + sender.MaxOverhead];
        Assert.That(sender.Protect(new byte[200], [1, 2, 3], frame, out var written), Is.True);
        frame = frame[..written];
        var receiver = new SframeReceiver(rejectReplays: false);
        receiver.AddKey(key);
        var output = new byte[frame.Length];

        for (var cut = 0; cut < frame.Length; cut++)
        {
            Assert.That(receiver.Unprotect(frame.AsSpan(0, cut), [1, 2, 3], output, out _, out _), Is.Not.EqualTo(SframeResult.Ok), $"cut {cut}");
        }

        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(receiver.Unprotect(frame, [1, 2, 3], output, out _, out _), Is.Not.EqualTo(SframeResult.Ok), $"bit {bit}");
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        Assert.That(receiver.Unprotect(frame, [1, 2, 3], output, out _, out _), Is.EqualTo(SframeResult.Ok));
    }
}
