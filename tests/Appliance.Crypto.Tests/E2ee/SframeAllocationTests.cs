using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class SframeAllocationTests
{
    private const int RoundTrips = 10_000;

    [TestCase(SframeSuite.AesGcm128Sha256)]
    [TestCase(SframeSuite.AesGcm256Sha512)]
    [TestCase(SframeSuite.AesCtr128HmacSha256Tag80)]
    public void Video_and_audio_round_trips_after_warm_up_allocate_nothing(SframeSuite suite)
    {
        using var video = SframeKey.Derive(suite, SenderKid.Compose(1, StreamKind.Camera, 0), new byte[32]);
        using var audio = SframeKey.Derive(suite, SenderKid.Compose(1, StreamKind.Microphone, 0), new byte[32]);
        var videoSender = new SframeSender(video);
        var audioSender = new SframeSender(audio);
        var receiver = new SframeReceiver();
        receiver.AddKey(video);
        receiver.AddKey(audio);
        var frame = new byte[1200];
        frame[0] = 0x50;
        var wire = new byte[frame.Length + videoSender.MaxOverhead + 10];
        var plain = new byte[wire.Length];

        bool RoundTrip(int i)
        {
            var isKeyFrame = i % 30 == 0;
            return WebRtcFrames.ProtectVideoFrame(videoSender, frame, isKeyFrame, wire, out var written)
                && WebRtcFrames.UnprotectVideoFrame(receiver, wire.AsSpan(0, written), isKeyFrame, plain, out _) == SframeResult.Ok
                && WebRtcFrames.ProtectAudioFrame(audioSender, frame.AsSpan(0, 120), wire, out written)
                && WebRtcFrames.UnprotectAudioFrame(receiver, wire.AsSpan(0, written), plain, out _) == SframeResult.Ok
                && receiver.Unprotect(wire.AsSpan(0, written), [], plain, out _, out _) == SframeResult.Replayed
                && SframeFrames.TryParseOpusPayload(wire.AsSpan(0, written), out _);
        }

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            failures += RoundTrip(i) ? 0 : 1;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < RoundTrips; i++)
        {
            failures += RoundTrip(i) ? 0 : 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(failures, Is.Zero);
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {RoundTrips} round trips");
    }
}
