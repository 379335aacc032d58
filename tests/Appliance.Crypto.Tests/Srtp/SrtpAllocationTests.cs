using System.Buffers.Binary;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

public class SrtpAllocationTests
{
    private const int RoundTrips = 10_000;

    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(SrtpProfile.AeadAes128Gcm)]
    public void Rtp_round_trips_after_warm_up_allocate_nothing(SrtpProfile profile)
    {
        using var keys = TestPackets.Keys(profile, seed: 1);
        using var sender = SrtpSession.ForSending(keys);
        using var receiver = SrtpSession.ForReceiving(keys);
        var plain = TestPackets.Rtp(0, ssrc: 0xA110C, payloadLength: 1200, csrcCount: 1, extensionWords: 2);
        var buffer = new byte[plain.Length + profile.RtpOverhead];
        ushort sequenceNumber = 0;

        bool RoundTrip()
        {
            plain.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequenceNumber++);
            return sender.TryProtectRtp(buffer, plain.Length, out var length)
                && receiver.UnprotectRtp(buffer.AsSpan(0, length), out _) == SrtpResult.Ok;
        }

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            failures += RoundTrip() ? 0 : 1;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < RoundTrips; i++)
        {
            failures += RoundTrip() ? 0 : 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(failures, Is.Zero);
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {RoundTrips} RTP round trips");
    }

    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(SrtpProfile.AeadAes128Gcm)]
    public void Rtcp_round_trips_after_warm_up_allocate_nothing(SrtpProfile profile)
    {
        using var keys = TestPackets.Keys(profile, seed: 2);
        using var sender = SrtpSession.ForSending(keys);
        using var receiver = SrtpSession.ForReceiving(keys);
        var plain = TestPackets.Rtcp(ssrc: 0xA110C, extraLength: 100);
        var buffer = new byte[plain.Length + profile.RtcpOverhead];

        bool RoundTrip()
        {
            plain.CopyTo(buffer, 0);
            return sender.TryProtectRtcp(buffer, plain.Length, out var length)
                && receiver.UnprotectRtcp(buffer.AsSpan(0, length), out _) == SrtpResult.Ok;
        }

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            failures += RoundTrip() ? 0 : 1;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < RoundTrips; i++)
        {
            failures += RoundTrip() ? 0 : 1;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(failures, Is.Zero);
        Assert.That(allocated, Is.Zero, $"{allocated} bytes over {RoundTrips} RTCP round trips");
    }

    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    [TestCase(SrtpProfile.AeadAes128Gcm)]
    public void Rejecting_replays_and_stale_packets_allocates_nothing(SrtpProfile profile)
    {
        using var keys = TestPackets.Keys(profile, seed: 3);
        using var sender = SrtpSession.ForSending(keys);
        using var receiver = SrtpSession.ForReceiving(keys);
        var packet = TestPackets.Protect(sender, TestPackets.Rtp(1000, ssrc: 7, payloadLength: 1200));
        var replay = (byte[])packet.Clone();
        Assert.That(receiver.UnprotectRtp(packet, out _), Is.EqualTo(SrtpResult.Ok));
        var rejected = 0;
        for (var i = 0; i < 200; i++)
        {
            rejected += receiver.UnprotectRtp(replay, out _) == SrtpResult.ReplayedPacket ? 1 : 0;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < RoundTrips; i++)
        {
            rejected += receiver.UnprotectRtp(replay, out _) == SrtpResult.ReplayedPacket ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(rejected, Is.EqualTo(RoundTrips + 200));
        Assert.That(allocated, Is.Zero);
    }
}
