using System.Buffers.Binary;
using System.Diagnostics;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

/// <summary>
/// Microseconds per 1,200-byte-payload packet, protect and unprotect, per profile. Explicit: a number to
/// read (run in Release: <c>dotnet test -c Release --filter "Name~Measure"</c>), not a pass/fail check.
/// </summary>
[Explicit("A measurement, not a check; run it by name in Release.")]
[Category("Measurement")]
public class SrtpThroughputMeasurement
{
    private const int Packets = 50_000;
    private const int Rounds = 5;

    [TestCase(SrtpProfile.AeadAes128Gcm)]
    [TestCase(SrtpProfile.AesCm128HmacSha1_80)]
    public void Measure_microseconds_per_1200_byte_packet(SrtpProfile profile)
    {
        using var keys = TestPackets.Keys(profile, seed: 12);
        var plain = TestPackets.Rtp(0, ssrc: 0xBEEF, payloadLength: 1200);
        var stride = plain.Length + profile.RtpOverhead;
        var wire = new byte[Packets * stride];
        var lengths = new int[Packets];
        double bestProtect = double.MaxValue, bestUnprotect = double.MaxValue;

        for (var round = 0; round < Rounds + 1; round++)
        {
            // Fresh sessions each round, so the receiver sees new indexes rather than replays.
            using var sender = SrtpSession.ForSending(keys);
            using var receiver = SrtpSession.ForReceiving(keys);
            for (var i = 0; i < Packets; i++)
            {
                plain.CopyTo(wire, i * stride);
                BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan((i * stride) + 2), (ushort)i);
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < Packets; i++)
            {
                sender.TryProtectRtp(wire.AsSpan(i * stride, stride), plain.Length, out lengths[i]);
            }

            var protect = watch.Elapsed.TotalMicroseconds / Packets;
            var failures = 0;
            watch.Restart();
            for (var i = 0; i < Packets; i++)
            {
                failures += receiver.UnprotectRtp(wire.AsSpan(i * stride, lengths[i]), out _) == SrtpResult.Ok ? 0 : 1;
            }

            var unprotect = watch.Elapsed.TotalMicroseconds / Packets;
            Assert.That(failures, Is.Zero);
            if (round > 0)
            {
                bestProtect = Math.Min(bestProtect, protect);
                bestUnprotect = Math.Min(bestUnprotect, unprotect);
            }
        }

        TestContext.Out.WriteLine($"{profile}: protect {bestProtect:F2} µs, unprotect {bestUnprotect:F2} µs per 1,200-byte payload (best of {Rounds} x {Packets})");
    }
}
