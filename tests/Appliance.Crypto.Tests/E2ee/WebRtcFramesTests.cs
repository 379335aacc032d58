using System.Security.Cryptography;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class WebRtcFramesTests
{
    // A VP8 key frame begins with a frame tag whose bit 0 is 0, the start code 9D 01 2A, then width and height.
    private static readonly byte[] KeyFrame = [0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, .. RandomNumberGenerator.GetBytes(500)];
    private static readonly byte[] DeltaFrame = [0x31, 0x0C, 0x00, .. RandomNumberGenerator.GetBytes(200)];

    private static (SframeKey Key, SframeSender Sender, SframeReceiver Receiver) Camera()
    {
        var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, SenderKid.Compose(2, StreamKind.Camera, 0), RandomNumberGenerator.GetBytes(32));
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        return (key, new SframeSender(key), receiver);
    }

    [TestCase(true, 10)]
    [TestCase(false, 3)]
    public void A_video_frame_keeps_its_prefix_in_clear_before_the_sframe_header_and_round_trips(bool isKeyFrame, int prefixLength)
    {
        var (key, sender, receiver) = Camera();
        using var owned = key;
        var frame = isKeyFrame ? KeyFrame : DeltaFrame;
        var output = new byte[frame.Length + sender.MaxOverhead];
        Assert.That(WebRtcFrames.ProtectVideoFrame(sender, frame, isKeyFrame, output, out var written), Is.True);
        var wire = output[..written];

        Assert.That(wire[..prefixLength], Is.EqualTo(frame[..prefixLength]));
        Assert.That(SframeHeader.TryRead(wire.AsSpan(prefixLength), out var header, out var headerLength), Is.True);
        Assert.That(header.Kid, Is.EqualTo(SenderKid.Compose(2, StreamKind.Camera, 0)));
        Assert.That(written, Is.EqualTo(prefixLength + headerLength + (frame.Length - prefixLength) + 16));
        Assert.That(wire.AsSpan(prefixLength + headerLength, 16).SequenceEqual(frame.AsSpan(prefixLength, 16)), Is.False, "the rest is encrypted");

        Assert.That(WebRtcFrames.IsVp8KeyFrame(wire), Is.EqualTo(isKeyFrame), "the receiver can read the frame type from the clear prefix");
        var decrypted = new byte[wire.Length];
        Assert.That(WebRtcFrames.UnprotectVideoFrame(receiver, wire, isKeyFrame, decrypted, out var plainLength), Is.EqualTo(SframeResult.Ok));
        Assert.That(decrypted[..plainLength], Is.EqualTo(frame));
    }

    [Test]
    public void The_clear_prefix_is_authenticated()
    {
        var (key, sender, receiver) = Camera();
        using var owned = key;
        var output = new byte[KeyFrame.Length + sender.MaxOverhead];
        Assert.That(WebRtcFrames.ProtectVideoFrame(sender, KeyFrame, true, output, out var written), Is.True);
        output[7] ^= 0x01;
        Assert.That(WebRtcFrames.UnprotectVideoFrame(receiver, output.AsSpan(0, written), true, new byte[written], out _), Is.EqualTo(SframeResult.Tampered));
    }

    [Test]
    public void A_video_frame_no_longer_than_its_prefix_is_dropped()
    {
        var (key, sender, _) = Camera();
        using var owned = key;
        Assert.That(WebRtcFrames.ProtectVideoFrame(sender, KeyFrame.AsSpan(0, 10), true, new byte[100], out _), Is.False);
        Assert.That(WebRtcFrames.ProtectVideoFrame(sender, DeltaFrame.AsSpan(0, 3), false, new byte[100], out _), Is.False);
        Assert.That(key.NextCounter, Is.Zero);
    }

    [Test]
    public void An_audio_frame_is_protected_whole()
    {
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, SenderKid.Compose(1, StreamKind.Microphone, 0), RandomNumberGenerator.GetBytes(32));
        var sender = new SframeSender(key);
        var receiver = new SframeReceiver();
        receiver.AddKey(key);
        var opus = RandomNumberGenerator.GetBytes(80);
        var output = new byte[opus.Length + sender.MaxOverhead];
        Assert.That(WebRtcFrames.ProtectAudioFrame(sender, opus, output, out var written), Is.True);
        Assert.That(SframeFrames.TryParseOpusPayload(output.AsSpan(0, written), out var header), Is.True);
        Assert.That(header, Is.EqualTo(new SframeHeader(1024, 0)));

        var decrypted = new byte[written];
        Assert.That(WebRtcFrames.UnprotectAudioFrame(receiver, output.AsSpan(0, written), decrypted, out var plainLength), Is.EqualTo(SframeResult.Ok));
        Assert.That(decrypted[..plainLength], Is.EqualTo(opus));
    }

    [TestCase(new byte[] { 0x10 }, 1, TestName = "Descriptor without extension")]
    [TestCase(new byte[] { 0x90, 0x80, 0x05 }, 3, TestName = "7-bit PictureID")]
    [TestCase(new byte[] { 0x90, 0x80, 0x81, 0x23 }, 4, TestName = "15-bit PictureID")]
    [TestCase(new byte[] { 0x90, 0xE0, 0x81, 0x23, 0x07, 0x40 }, 6, TestName = "PictureID, TL0PICIDX and TID")]
    [TestCase(new byte[] { 0x90, 0x10, 0x40 }, 3, TestName = "KEYIDX only")]
    public void The_tap_finds_the_sframe_header_after_the_vp8_descriptor_and_clear_prefix(byte[] descriptor, int descriptorLength)
    {
        var (key, sender, _) = Camera();
        using var owned = key;
        foreach (var (frame, isKeyFrame) in new[] { (KeyFrame, true), (DeltaFrame, false) })
        {
            var output = new byte[frame.Length + sender.MaxOverhead];
            Assert.That(WebRtcFrames.ProtectVideoFrame(sender, frame, isKeyFrame, output, out var written), Is.True);
            byte[] payload = [.. descriptor, .. output.AsSpan(0, Math.Min(written, 60))];

            Assert.That(SframeFrames.TryParseVp8Payload(payload, out var header, out var offset, out var parsedKeyFrame), Is.True);
            Assert.That(parsedKeyFrame, Is.EqualTo(isKeyFrame));
            Assert.That(offset, Is.EqualTo(descriptorLength + (isKeyFrame ? 10 : 3)));
            Assert.That(header.Kid, Is.EqualTo(key.Kid));
            Assert.That(header.Counter, Is.EqualTo(key.NextCounter - 1));
        }
    }

    [Test]
    public void The_tap_finds_nothing_in_packets_that_continue_a_frame_or_are_cut_short()
    {
        var (key, sender, _) = Camera();
        using var owned = key;
        var output = new byte[KeyFrame.Length + sender.MaxOverhead];
        Assert.That(WebRtcFrames.ProtectVideoFrame(sender, KeyFrame, true, output, out _), Is.True);

        Assert.That(SframeFrames.TryParseVp8Payload([0x00, .. output.AsSpan(0, 40)], out _, out _, out _), Is.False, "S = 0");
        Assert.That(SframeFrames.TryParseVp8Payload([0x11, .. output.AsSpan(0, 40)], out _, out _, out _), Is.False, "PID = 1");
        Assert.That(SframeFrames.TryParseVp8Payload([0x10, .. output.AsSpan(0, 10)], out _, out _, out _), Is.False, "no header after the prefix");
        Assert.That(SframeFrames.TryParseVp8Payload([0x90], out _, out _, out _), Is.False);
        Assert.That(SframeFrames.TryParseVp8Payload([0x90, 0x80], out _, out _, out _), Is.False);
        Assert.That(SframeFrames.TryParseVp8Payload([], out _, out _, out _), Is.False);
        Assert.That(SframeFrames.TryParseOpusPayload([], out _), Is.False);
    }
}
