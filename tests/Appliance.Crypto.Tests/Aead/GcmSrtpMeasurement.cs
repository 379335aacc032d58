using System.Buffers.Binary;
using System.Diagnostics;
using Appliance.Crypto.Aead;
using Appliance.Crypto.Srtp;
using Appliance.Crypto.Tests.Srtp;

namespace Appliance.Crypto.Tests.Aead;

/// <summary>
/// Nanoseconds per SRTP packet (AEAD_AES_128_GCM) with the platform AesGcm and with the intrinsics AES-GCM, and per
/// AES-CM keystream (AES_CM_128_HMAC_SHA1_80) with the platform AES and with AES-NI, in one
/// run: two seconds of warm-up, then the median and the best of many short rounds, each timed in the thread's CPU time so that a
/// loaded machine (other engineers' builds) does not count the time the thread waits for a core. Explicit: a number to read, in Release
/// (<c>dotnet test -c Release --filter "Name~Measure_nanoseconds"</c>), not a pass/fail check.
/// </summary>
[Explicit("A measurement, not a check; run it by name in Release.")]
[Category("Measurement")]
public class GcmSrtpMeasurement
{
    private const int Packets = 2_000;
    private const int Rounds = 41;

    // Rounds before this much wall-clock time has passed are warm-up: tiered compilation promotes hot methods to
    // optimised code only after a call count and a background delay, and unoptimised intrinsics are slow.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    [TestCase(1200)]
    [TestCase(100)]
    public void Measure_nanoseconds_per_SRTP_packet_old_and_new(int payloadLength)
    {
        Assume.That(IntrinsicsAesGcm.IsSupported && ThreadCpuClock.IsAvailable, "this CPU lacks AES-NI or PCLMULQDQ, or this is not Linux");
        var platform = Measure(AesGcmImplementation.Platform, payloadLength);
        var intrinsics = Measure(AesGcmImplementation.Intrinsics, payloadLength);

        TestContext.Out.WriteLine($"{payloadLength}-byte payload, {Rounds} x {Packets} after warm-up, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        TestContext.Out.WriteLine(
            $"  protect   median {platform.Protect.Median:F0} -> {intrinsics.Protect.Median:F0} ns ({platform.Protect.Median / intrinsics.Protect.Median:F1}x), " +
            $"best {platform.Protect.Best:F0} -> {intrinsics.Protect.Best:F0} ns ({platform.Protect.Best / intrinsics.Protect.Best:F1}x)");
        TestContext.Out.WriteLine(
            $"  unprotect median {platform.Unprotect.Median:F0} -> {intrinsics.Unprotect.Median:F0} ns ({platform.Unprotect.Median / intrinsics.Unprotect.Median:F1}x), " +
            $"best {platform.Unprotect.Best:F0} -> {intrinsics.Unprotect.Best:F0} ns ({platform.Unprotect.Best / intrinsics.Unprotect.Best:F1}x)");
    }

    [TestCase(1200)]
    [TestCase(100)]
    public void Measure_nanoseconds_per_bare_AES_GCM_call_old_and_new(int length)
    {
        Assume.That(IntrinsicsAesGcm.IsSupported && ThreadCpuClock.IsAvailable, "this CPU lacks AES-NI or PCLMULQDQ, or this is not Linux");
        foreach (var implementation in new[] { AesGcmImplementation.Platform, AesGcmImplementation.Intrinsics })
        {
            using var gcm = AesGcmCipher.Create(new byte[16], implementation);
            var nonce = new byte[12];
            var aad = new byte[12];
            var buffer = new byte[length];
            var plaintext = new byte[length];
            var tag = new byte[16];
            var seal = new List<double>();
            var open = new List<double>();
            var warmUp = Stopwatch.StartNew();
            while (seal.Count < Rounds)
            {
                if (warmUp.Elapsed < WarmUp)
                {
                    seal.Clear();
                    open.Clear();
                }

                var start = ThreadCpuClock.Nanoseconds();
                for (var i = 0; i < Packets; i++)
                {
                    gcm.Encrypt(nonce, buffer, buffer, tag, aad);
                }

                seal.Add((ThreadCpuClock.Nanoseconds() - start) / Packets);
                gcm.Encrypt(nonce, buffer, buffer, tag, aad);
                var failures = 0;
                start = ThreadCpuClock.Nanoseconds();
                for (var i = 0; i < Packets; i++)
                {
                    failures += gcm.TryDecrypt(nonce, buffer, tag, plaintext, aad) ? 0 : 1;
                }

                open.Add((ThreadCpuClock.Nanoseconds() - start) / Packets);
                Assert.That(failures, Is.Zero);
            }

            var (sealed_, opened) = (Statistics(seal), Statistics(open));
            TestContext.Out.WriteLine(
                $"{implementation} {length} B + 12 B AAD: encrypt median {sealed_.Median:F0} (best {sealed_.Best:F0}) ns, " +
                $"decrypt median {opened.Median:F0} (best {opened.Best:F0}) ns, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        }
    }

    [TestCase(1200)]
    [TestCase(100)]
    public void Measure_nanoseconds_per_AES_CM_keystream_old_and_new(int length)
    {
        Assume.That(AesNiBlockCipher.IsSupported && ThreadCpuClock.IsAvailable, "this CPU lacks AES-NI, or this is not Linux");
        var iv = new byte[16];
        var data = new byte[length];
        using var platform = new AesCounterMode(new byte[16], allowAesNi: false);
        using var aesNi = new AesCounterMode(new byte[16]);
        var old = PerCall(() =>
        {
            for (var i = 0; i < Packets; i++)
            {
                platform.Apply(iv, data);
            }
        });
        var fast = PerCall(() =>
        {
            for (var i = 0; i < Packets; i++)
            {
                aesNi.Apply(iv, data);
            }
        });

        TestContext.Out.WriteLine(
            $"AES-CM keystream over {length} B: median {old.Median:F0} -> {fast.Median:F0} ns ({old.Median / fast.Median:F1}x), " +
            $"best {old.Best:F0} -> {fast.Best:F0} ns, load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    // Thread CPU ns per call of a round of Packets calls: warm-up, then Rounds rounds.
    private static (double Median, double Best) PerCall(Action round)
    {
        var perCall = new List<double>();
        var warmUp = Stopwatch.StartNew();
        while (perCall.Count < Rounds)
        {
            var start = ThreadCpuClock.Nanoseconds();
            round();
            perCall.Add((ThreadCpuClock.Nanoseconds() - start) / Packets);
            if (warmUp.Elapsed < WarmUp)
            {
                perCall.Clear();
            }
        }

        return Statistics(perCall);
    }

    private static (double Median, double Best) Statistics(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[sorted.Count / 2], sorted[0]);
    }

    private static ((double Median, double Best) Protect, (double Median, double Best) Unprotect) Measure(AesGcmImplementation implementation, int payloadLength)
    {
        var key = new byte[16];
        var salt = new byte[12];
        new XorShift64(7).NextBytes(key);
        new XorShift64(8).NextBytes(salt);
        var plain = TestPackets.Rtp(0, ssrc: 0xBEEF, payloadLength: payloadLength);
        var stride = plain.Length + 16;
        var wire = new byte[Packets * stride];
        var lengths = new int[Packets];
        var protect = new List<double>();
        var unprotect = new List<double>();

        var warmUp = Stopwatch.StartNew();
        while (protect.Count < Rounds)
        {
            // Fresh sessions each round, so the receiver sees new indexes rather than replays.
            using var sender = new SrtpSession(new AeadAesGcmTransform(key, salt, key, salt, implementation), SrtpProfile.AeadAes128Gcm, SrtpDirection.Send);
            using var receiver = new SrtpSession(new AeadAesGcmTransform(key, salt, key, salt, implementation), SrtpProfile.AeadAes128Gcm, SrtpDirection.Receive);
            for (var i = 0; i < Packets; i++)
            {
                plain.CopyTo(wire, i * stride);
                BinaryPrimitives.WriteUInt16BigEndian(wire.AsSpan((i * stride) + 2), (ushort)i);
            }

            var start = ThreadCpuClock.Nanoseconds();
            for (var i = 0; i < Packets; i++)
            {
                sender.TryProtectRtp(wire.AsSpan(i * stride, stride), plain.Length, out lengths[i]);
            }

            var protectNs = (ThreadCpuClock.Nanoseconds() - start) / Packets;
            var failures = 0;
            start = ThreadCpuClock.Nanoseconds();
            for (var i = 0; i < Packets; i++)
            {
                failures += receiver.UnprotectRtp(wire.AsSpan(i * stride, lengths[i]), out _) == SrtpResult.Ok ? 0 : 1;
            }

            var unprotectNs = (ThreadCpuClock.Nanoseconds() - start) / Packets;
            Assert.That(failures, Is.Zero);
            protect.Add(protectNs);
            unprotect.Add(unprotectNs);
            if (warmUp.Elapsed < WarmUp)
            {
                protect.Clear();
                unprotect.Clear();
            }
        }

        return (Statistics(protect), Statistics(unprotect));
    }
}
