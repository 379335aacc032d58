using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

public class KeyframesTests
{
    [Test]
    public void A_vp8_key_frame_start_is_recognised_with_and_without_the_extended_descriptor()
    {
        Assert.That(Keyframes.IsVp8KeyframeStart(Packets.Vp8KeyframeStart()), Is.True);

        // RFC 7741 §4.2: X=0, S=1, PID=0, then the frame tag (P=0) and start code.
        Assert.That(Keyframes.IsVp8KeyframeStart(Hex.Bytes("10 50 2d 00 9d 01 2a 80 02 e0 01")), Is.True);

        // X with I (7-bit PictureID), L (TL0PICIDX), T/K (TID/KEYIDX): 1 + 1 + 1 + 1 + 1 descriptor bytes.
        Assert.That(Keyframes.IsVp8KeyframeStart(Hex.Bytes("90 f0 12 05 40 50 2d 00 9d 01 2a 80 02 e0 01")), Is.True);
    }

    [TestCase("90 80 92 34 51 2d 00 9d 01 2a 80 02", TestName = "A VP8 delta frame (P=1) is not a key frame start")]
    [TestCase("80 80 92 34 50 2d 00 9d 01 2a 80 02", TestName = "A VP8 packet without S is not a key frame start")]
    [TestCase("91 80 92 34 50 2d 00 9d 01 2a 80 02", TestName = "A VP8 packet of partition 1 is not a key frame start")]
    [TestCase("90 80 92 34 50 2d 00 11 22 33 80 02", TestName = "A VP8 frame without the start code is not a key frame start")]
    [TestCase("90 80 92 34 50 2d 00 9d", TestName = "A truncated VP8 key frame is not a key frame start")]
    [TestCase("90", TestName = "A VP8 descriptor cut after its first byte is not a key frame start")]
    [TestCase("90 80", TestName = "A VP8 descriptor cut after its extension byte is not a key frame start")]
    [TestCase("", TestName = "An empty VP8 payload is not a key frame start")]
    public void Vp8_payloads_that_do_not_start_a_key_frame(string hex) =>
        Assert.That(Keyframes.IsVp8KeyframeStart(Hex.Bytes(hex)), Is.False);

    [TestCase("67 42 c0 1f", true, TestName = "An H264 SPS as a single NAL unit starts a key frame")]
    [TestCase("65 88 84 00", true, TestName = "An H264 IDR slice as a single NAL unit starts a key frame")]
    [TestCase("41 9a 00 00", false, TestName = "An H264 non-IDR slice does not start a key frame")]
    [TestCase("18 00 04 67 42 c0 1f 00 02 68 ce", true, TestName = "An H264 STAP-A with an SPS starts a key frame")]
    [TestCase("18 00 02 68 ce 00 02 06 05", false, TestName = "An H264 STAP-A with PPS and SEI only does not start a key frame")]
    [TestCase("18 00 09 67 42", false, TestName = "An H264 STAP-A whose NAL size overruns is not a key frame start")]
    [TestCase("7c 85 88 84", true, TestName = "An H264 FU-A start of an IDR slice starts a key frame")]
    [TestCase("7c 05 88 84", false, TestName = "An H264 FU-A middle of an IDR slice does not start a key frame")]
    [TestCase("7c 81 9a 00", false, TestName = "An H264 FU-A start of a non-IDR slice does not start a key frame")]
    [TestCase("7c", false, TestName = "An H264 FU-A cut after its indicator is not a key frame start")]
    public void H264_key_frame_starts_are_found_in_single_nal_units_stap_a_and_fu_a(string hex, bool expected) =>
        Assert.That(Keyframes.IsH264KeyframeStart(Hex.Bytes(hex)), Is.EqualTo(expected));

    [Test]
    public void The_ntp_clock_maps_ticks_onto_wall_clock_time()
    {
        var utc = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ntp = NtpClock.ToNtp(utc.AddMilliseconds(500));
        Assert.That(ntp, Is.EqualTo((3_913_056_000UL << 32) | 0x8000_0000UL));

        var clock = new NtpClock(1_000_000, 5_000_000, NtpClock.ToNtp(utc));
        Assert.That(clock.ToNtp(6_500_000), Is.EqualTo((3_913_056_001UL << 32) | 0x8000_0000UL));
        Assert.That(clock.ToNtp(4_000_000), Is.EqualTo(3_913_055_999UL << 32));
    }
}
