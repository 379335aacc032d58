using System.Buffers.Binary;
using Appliance.Crypto.Srtp;

namespace Appliance.Crypto.Tests.Srtp;

[TestFixture(SrtpProfile.AesCm128HmacSha1_80)]
[TestFixture(SrtpProfile.AeadAes128Gcm)]
public class SrtpSessionTests(SrtpProfile profile)
{
    private const uint Ssrc = 0x1234_5678;

    private SrtpKeys _keys = null!;
    private SrtpSession _sender = null!;
    private SrtpSession _receiver = null!;

    [SetUp]
    public void CreateSessions()
    {
        _keys = TestPackets.Keys(profile, seed: 3711);
        _sender = SrtpSession.ForSending(_keys);
        _receiver = SrtpSession.ForReceiving(_keys);
    }

    [TearDown]
    public void DisposeSessions()
    {
        _sender.Dispose();
        _receiver.Dispose();
        _keys.Dispose();
    }

    // ---- Round trips -------------------------------------------------------------------------

    [TestCase(0, -1, 160)]
    [TestCase(0, -1, 0)]
    [TestCase(0, -1, 1)]
    [TestCase(2, -1, 1200)]
    [TestCase(0, 0, 33)]
    [TestCase(0, 3, 1000)]
    [TestCase(15, 255, 17)]
    public void Rtp_round_trip_restores_the_packet_with_its_CSRCs_and_header_extension(int csrcCount, int extensionWords, int payloadLength)
    {
        var plain = TestPackets.Rtp(sequenceNumber: 7, Ssrc, payloadLength, csrcCount, extensionWords);
        var protectedPacket = TestPackets.Protect(_sender, plain);

        var result = _receiver.UnprotectRtp(protectedPacket, out var plainLength);

        Assert.That(result, Is.EqualTo(SrtpResult.Ok));
        Assert.That(protectedPacket[..plainLength], Is.EqualTo(plain));
    }

    [Test]
    public void Protection_leaves_the_header_and_extension_in_the_clear_and_encrypts_the_payload()
    {
        var plain = TestPackets.Rtp(sequenceNumber: 7, Ssrc, payloadLength: 64, csrcCount: 2, extensionWords: 2);
        var headerLength = TestPackets.HeaderLength(2, 2);

        var protectedPacket = TestPackets.Protect(_sender, plain);

        Assert.Multiple(() =>
        {
            Assert.That(protectedPacket, Has.Length.EqualTo(plain.Length + profile.AuthTagLength));
            Assert.That(protectedPacket[..headerLength], Is.EqualTo(plain[..headerLength]));
            Assert.That(protectedPacket[headerLength..plain.Length], Is.Not.EqualTo(plain[headerLength..]));
        });
    }

    [TestCase(0)]
    [TestCase(4)]
    [TestCase(1400)]
    public void Rtcp_round_trip_restores_the_compound_packet(int extraLength)
    {
        var plain = TestPackets.Rtcp(Ssrc, extraLength);
        var protectedPacket = TestPackets.ProtectRtcp(_sender, plain);

        var result = _receiver.UnprotectRtcp(protectedPacket, out var plainLength);

        Assert.That(result, Is.EqualTo(SrtpResult.Ok));
        Assert.That(protectedPacket[..plainLength], Is.EqualTo(plain));
    }

    [Test]
    public void Srtcp_indexes_start_at_zero_carry_the_E_flag_and_count_up_per_SSRC()
    {
        var indexOffset = profile == SrtpProfile.AeadAes128Gcm ? 4 : 4 + profile.AuthTagLength;

        uint IndexWord(byte[] packet) => BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(packet.Length - indexOffset));

        var first = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc));
        var second = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc));
        var otherStream = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc + 1));

        Assert.Multiple(() =>
        {
            Assert.That(IndexWord(first), Is.EqualTo(0x8000_0000u));
            Assert.That(IndexWord(second), Is.EqualTo(0x8000_0001u));
            Assert.That(IndexWord(otherStream), Is.EqualTo(0x8000_0000u));
        });
    }

    [Test]
    public void Srtcp_sent_authenticated_but_unencrypted_is_accepted_in_the_clear()
    {
        var plain = TestPackets.Rtcp(Ssrc);
        var buffer = new byte[plain.Length + profile.RtcpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.That(_sender.TryProtectRtcp(buffer, plain.Length, srtcpIndex: 9, encrypt: false, out var length), Is.True);
        Assert.That(buffer[..plain.Length], Is.EqualTo(plain), "E = 0 leaves the payload in the clear");

        var result = _receiver.UnprotectRtcp(buffer.AsSpan(0, length), out var plainLength);

        Assert.That(result, Is.EqualTo(SrtpResult.Ok));
        Assert.That(buffer[..plainLength], Is.EqualTo(plain));
    }

    [Test]
    public void A_receiver_with_other_keys_rejects_every_packet()
    {
        using var otherKeys = TestPackets.Keys(profile, seed: 42);
        using var stranger = SrtpSession.ForReceiving(otherKeys);

        Assert.Multiple(() =>
        {
            Assert.That(stranger.UnprotectRtp(TestPackets.Protect(_sender, TestPackets.Rtp(1, Ssrc, 100)), out _), Is.EqualTo(SrtpResult.AuthenticationFailed));
            Assert.That(stranger.UnprotectRtcp(TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc)), out _), Is.EqualTo(SrtpResult.AuthenticationFailed));
        });
    }

    // ---- Tampering -----------------------------------------------------------------------------

    [Test]
    public void Tampering_any_byte_of_an_srtp_packet_fails_authentication()
    {
        const int csrcCount = 1;
        const int extensionWords = 2;
        var headerLength = TestPackets.HeaderLength(csrcCount, extensionWords);
        var extensionLengthOffset = headerLength - (4 * extensionWords) - 2;
        var original = TestPackets.Protect(_sender, TestPackets.Rtp(5, Ssrc, payloadLength: 40, csrcCount, extensionWords));

        for (var position = 0; position < original.Length; position++)
        {
            var tampered = (byte[])original.Clone();
            tampered[position] ^= 0x01;

            var result = _receiver.UnprotectRtp(tampered, out _);

            // Byte 0 (CSRC count) and the extension length move the payload start; the header may then
            // no longer fit, which is caught before any crypto.
            var movesPayload = position == 0 || position == extensionLengthOffset || position == extensionLengthOffset + 1;
            Assert.That(
                result,
                movesPayload ? Is.AnyOf(SrtpResult.AuthenticationFailed, SrtpResult.Malformed) : Is.EqualTo(SrtpResult.AuthenticationFailed),
                $"byte {position} of {original.Length}");
        }

        Assert.That(_receiver.UnprotectRtp(original, out _), Is.EqualTo(SrtpResult.Ok), "failed attempts must not consume the index");
    }

    [Test]
    public void Tampering_any_byte_of_an_srtcp_packet_fails_authentication()
    {
        var original = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc, extraLength: 24));

        for (var position = 0; position < original.Length; position++)
        {
            var tampered = (byte[])original.Clone();
            tampered[position] ^= 0x01;

            Assert.That(_receiver.UnprotectRtcp(tampered, out _), Is.EqualTo(SrtpResult.AuthenticationFailed), $"byte {position} of {original.Length}");
        }

        Assert.That(_receiver.UnprotectRtcp(original, out _), Is.EqualTo(SrtpResult.Ok));
    }

    // ---- Replay protection ---------------------------------------------------------------------

    [Test]
    public void Replaying_an_srtp_packet_is_rejected()
    {
        var protectedPacket = TestPackets.Protect(_sender, TestPackets.Rtp(100, Ssrc, 50));
        var replay = (byte[])protectedPacket.Clone();

        Assert.That(_receiver.UnprotectRtp(protectedPacket, out _), Is.EqualTo(SrtpResult.Ok));
        Assert.That(_receiver.UnprotectRtp(replay, out _), Is.EqualTo(SrtpResult.ReplayedPacket));
    }

    [Test]
    public void Replaying_an_srtcp_packet_is_rejected()
    {
        var protectedPacket = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc));
        var replay = (byte[])protectedPacket.Clone();

        Assert.That(_receiver.UnprotectRtcp(protectedPacket, out _), Is.EqualTo(SrtpResult.Ok));
        Assert.That(_receiver.UnprotectRtcp(replay, out _), Is.EqualTo(SrtpResult.ReplayedPacket));
    }

    [Test]
    public void A_replay_is_recognised_before_any_cryptography()
    {
        var protectedPacket = TestPackets.Protect(_sender, TestPackets.Rtp(100, Ssrc, 50));
        var replayWithBrokenTag = (byte[])protectedPacket.Clone();
        replayWithBrokenTag[^1] ^= 0xFF;

        Assert.That(_receiver.UnprotectRtp(protectedPacket, out _), Is.EqualTo(SrtpResult.Ok));
        Assert.That(_receiver.UnprotectRtp(replayWithBrokenTag, out _), Is.EqualTo(SrtpResult.ReplayedPacket));
    }

    [Test]
    public void Srtp_packets_behind_the_replay_window_are_too_old_and_those_inside_it_are_accepted()
    {
        var packets = new byte[300][];
        for (ushort seq = 0; seq < packets.Length; seq++)
        {
            packets[seq] = TestPackets.Protect(_sender, TestPackets.Rtp(seq, Ssrc, 20));
        }

        const int highest = 299;
        Assert.That(_receiver.UnprotectRtp(packets[highest], out _), Is.EqualTo(SrtpResult.Ok));

        Assert.Multiple(() =>
        {
            Assert.That(_receiver.UnprotectRtp(packets[highest - SrtpSession.ReplayWindowSize], out _), Is.EqualTo(SrtpResult.TooOld));
            Assert.That(_receiver.UnprotectRtp(packets[0], out _), Is.EqualTo(SrtpResult.TooOld));
            Assert.That(_receiver.UnprotectRtp(packets[highest - SrtpSession.ReplayWindowSize + 1], out _), Is.EqualTo(SrtpResult.Ok));
            Assert.That(_receiver.UnprotectRtp(packets[highest - 1], out _), Is.EqualTo(SrtpResult.Ok));
        });
    }

    [Test]
    public void Srtcp_packets_behind_the_replay_window_are_too_old()
    {
        var packets = new byte[200][];
        for (var i = 0; i < packets.Length; i++)
        {
            packets[i] = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc));
        }

        Assert.That(_receiver.UnprotectRtcp(packets[199], out _), Is.EqualTo(SrtpResult.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(_receiver.UnprotectRtcp(packets[199 - SrtpSession.ReplayWindowSize], out _), Is.EqualTo(SrtpResult.TooOld));
            Assert.That(_receiver.UnprotectRtcp(packets[199 - SrtpSession.ReplayWindowSize + 1], out _), Is.EqualTo(SrtpResult.Ok));
        });
    }

    [Test]
    public void A_forged_packet_far_ahead_does_not_move_the_replay_window()
    {
        var genuine = TestPackets.Protect(_sender, TestPackets.Rtp(10, Ssrc, 20));
        var laterGenuine = TestPackets.Protect(_sender, TestPackets.Rtp(11, Ssrc, 20));
        Assert.That(_receiver.UnprotectRtp(laterGenuine, out _), Is.EqualTo(SrtpResult.Ok));

        var forged = TestPackets.Rtp(20_000, Ssrc, 20 + profile.AuthTagLength);
        Assert.That(_receiver.UnprotectRtp(forged, out _), Is.EqualTo(SrtpResult.AuthenticationFailed));

        Assert.That(_receiver.UnprotectRtp(genuine, out _), Is.EqualTo(SrtpResult.Ok), "the window still ends at 11");
    }

    [Test]
    public void Reordering_within_the_window_is_accepted_exactly_once()
    {
        var random = new XorShift64(7714);
        const int count = 1000;
        var packets = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            packets[i] = TestPackets.Protect(_sender, TestPackets.Rtp((ushort)(60_000 + i), Ssrc, 30));
        }

        // Shuffle within blocks smaller than the window, so no packet arrives more than a window late.
        var order = Enumerable.Range(0, count).ToArray();
        const int block = 64;
        for (var start = 0; start < count; start += block)
        {
            var end = Math.Min(start + block, count);
            for (var i = end - 1; i > start; i--)
            {
                var j = start + random.Next(i - start + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        var copies = packets.Select(p => (byte[])p.Clone()).ToArray();
        foreach (var i in order)
        {
            Assert.That(_receiver.UnprotectRtp(packets[i], out _), Is.EqualTo(SrtpResult.Ok), $"packet {i}");
        }

        foreach (var i in order)
        {
            Assert.That(_receiver.UnprotectRtp(copies[i], out _), Is.AnyOf(SrtpResult.ReplayedPacket, SrtpResult.TooOld), $"replay of {i}");
        }
    }

    // ---- Rollover ------------------------------------------------------------------------------

    [Test]
    public void Sequence_wrap_increments_the_rollover_counter_on_both_sides()
    {
        for (var i = 0; i < 12; i++)
        {
            var seq = (ushort)(65530 + i);
            var plain = TestPackets.Rtp(seq, Ssrc, 40);
            var protectedPacket = TestPackets.Protect(_sender, plain);

            Assert.That(_receiver.UnprotectRtp(protectedPacket, out var length), Is.EqualTo(SrtpResult.Ok), $"SEQ {seq}");
            Assert.That(protectedPacket[..length], Is.EqualTo(plain));
        }

        Assert.Multiple(() =>
        {
            Assert.That(_sender.TryGetRolloverCounter(Ssrc, out var senderRoc), Is.True);
            Assert.That(senderRoc, Is.EqualTo(1u));
            Assert.That(_receiver.TryGetRolloverCounter(Ssrc, out var receiverRoc), Is.True);
            Assert.That(receiverRoc, Is.EqualTo(1u));
            Assert.That(_receiver.TryGetRolloverCounter(Ssrc + 1, out _), Is.False);
        });
    }

    [Test]
    public void Packets_reordered_across_the_wrap_use_the_right_rollover_counter()
    {
        var packets = new Dictionary<ushort, byte[]>();
        foreach (var seq in new ushort[] { 65533, 65534, 65535, 0, 1 })
        {
            packets[seq] = TestPackets.Protect(_sender, TestPackets.Rtp(seq, Ssrc, 40));
        }

        Assert.Multiple(() =>
        {
            Assert.That(_receiver.UnprotectRtp(packets[65533], out _), Is.EqualTo(SrtpResult.Ok));
            Assert.That(_receiver.UnprotectRtp(packets[0], out _), Is.EqualTo(SrtpResult.Ok), "SEQ 0 after 65533 starts ROC 1");
            Assert.That(_receiver.UnprotectRtp(packets[65535], out _), Is.EqualTo(SrtpResult.Ok), "SEQ 65535 after SEQ 0 still belongs to ROC 0");
            Assert.That(_receiver.UnprotectRtp(packets[1], out _), Is.EqualTo(SrtpResult.Ok));
            Assert.That(_receiver.UnprotectRtp(packets[65534], out _), Is.EqualTo(SrtpResult.Ok));
        });
        Assert.That(_receiver.TryGetRolloverCounter(Ssrc, out var roc) && roc == 1, Is.True);
    }

    [Test]
    public void A_stream_first_seen_after_its_sender_wrapped_cannot_be_read()
    {
        // RFC 3711 §3.3.1: a receiver starts at ROC 0, so it must see the stream from its first wrap.
        _ = TestPackets.Protect(_sender, TestPackets.Rtp(65535, Ssrc, 40));
        var afterWrap = TestPackets.Protect(_sender, TestPackets.Rtp(0, Ssrc, 40));

        Assert.That(_receiver.UnprotectRtp(afterWrap, out _), Is.EqualTo(SrtpResult.AuthenticationFailed));
    }

    [Test]
    public void Many_wraps_keep_both_sides_in_step()
    {
        var buffer = new byte[200];
        var plain = TestPackets.Rtp(0, Ssrc, 100);
        var last = 0;
        for (var i = 0; i < (3 * 65536) + 500; i += 97)
        {
            last = i;
            var seq = (ushort)i;
            plain.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), seq);
            Assert.That(_sender.TryProtectRtp(buffer, plain.Length, out var length), Is.True);
            var result = _receiver.UnprotectRtp(buffer.AsSpan(0, length), out _);
            if (result != SrtpResult.Ok)
            {
                Assert.Fail($"packet {i}: {result}");
            }
        }

        Assert.That(_receiver.TryGetRolloverCounter(Ssrc, out var roc), Is.True);
        Assert.That(roc, Is.EqualTo((uint)(last >> 16)).And.EqualTo(3u));
    }

    // ---- Malformed and hostile input -----------------------------------------------------------

    [Test]
    public void Srtp_packets_truncated_before_header_and_tag_are_malformed()
    {
        var headerLength = TestPackets.HeaderLength(csrcCount: 2, extensionWords: 1);
        var original = TestPackets.Protect(_sender, TestPackets.Rtp(3, Ssrc, 30, csrcCount: 2, extensionWords: 1));

        for (var length = 0; length < headerLength + profile.AuthTagLength; length++)
        {
            var truncated = original.AsSpan(0, length).ToArray();
            Assert.That(_receiver.UnprotectRtp(truncated, out var plainLength), Is.EqualTo(SrtpResult.Malformed), $"length {length}");
            Assert.That(plainLength, Is.Zero);
        }

        for (var length = headerLength + profile.AuthTagLength; length < original.Length; length++)
        {
            Assert.That(_receiver.UnprotectRtp(original.AsSpan(0, length).ToArray(), out _), Is.EqualTo(SrtpResult.AuthenticationFailed), $"length {length}");
        }

        Assert.That(_receiver.UnprotectRtp(original, out _), Is.EqualTo(SrtpResult.Ok));
    }

    [Test]
    public void Srtcp_packets_truncated_before_header_and_trailer_are_malformed()
    {
        var original = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc, extraLength: 24));

        for (var length = 0; length < 8 + profile.RtcpOverhead; length++)
        {
            Assert.That(_receiver.UnprotectRtcp(original.AsSpan(0, length).ToArray(), out _), Is.EqualTo(SrtpResult.Malformed), $"length {length}");
        }

        for (var length = 8 + profile.RtcpOverhead; length < original.Length; length++)
        {
            Assert.That(_receiver.UnprotectRtcp(original.AsSpan(0, length).ToArray(), out _), Is.Not.EqualTo(SrtpResult.Ok), $"length {length}");
        }

        Assert.That(_receiver.UnprotectRtcp(original, out _), Is.EqualTo(SrtpResult.Ok));
    }

    [TestCase(0x00)]
    [TestCase(0x40)]
    [TestCase(0xC0)]
    public void Packets_of_another_RTP_version_are_malformed(int firstByte)
    {
        var rtp = TestPackets.Protect(_sender, TestPackets.Rtp(1, Ssrc, 20));
        var rtcp = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc));
        rtp[0] = (byte)firstByte;
        rtcp[0] = (byte)firstByte;

        Assert.That(_receiver.UnprotectRtp(rtp, out _), Is.EqualTo(SrtpResult.Malformed));
        Assert.That(_receiver.UnprotectRtcp(rtcp, out _), Is.EqualTo(SrtpResult.Malformed));
    }

    [Test]
    public void Ten_thousand_garbage_packets_never_throw_and_are_never_accepted()
    {
        var random = new XorShift64(0x5EED_0001);
        var packet = new byte[1500];
        var counts = new Dictionary<SrtpResult, int>();

        for (var i = 0; i < 10_000; i++)
        {
            var length = random.Next(packet.Length + 1);
            var span = packet.AsSpan(0, length);
            random.NextBytes(span);
            if (length > 0 && (i & 1) == 0)
            {
                // Half of them look like version 2, so they get past the first check.
                span[0] = (byte)(0x80 | (span[0] & 0x3F));
            }

            var result = (i & 2) == 0 ? _receiver.UnprotectRtp(span, out _) : _receiver.UnprotectRtcp(span, out _);

            Assert.That(result, Is.Not.EqualTo(SrtpResult.Ok), $"garbage packet {i} of length {length}");
            counts[result] = counts.GetValueOrDefault(result) + 1;
        }

        Assert.That(counts.Keys, Is.SupersetOf(new[] { SrtpResult.Malformed, SrtpResult.AuthenticationFailed }), "the fuzz reached past the parser");
    }

    [Test]
    public void Randomly_mutated_genuine_packets_never_throw_and_are_never_accepted()
    {
        var random = new XorShift64(0x5EED_0002);
        var rtp = TestPackets.Protect(_sender, TestPackets.Rtp(9, Ssrc, 200, csrcCount: 1, extensionWords: 3));
        var rtcp = TestPackets.ProtectRtcp(_sender, TestPackets.Rtcp(Ssrc, 60));

        for (var i = 0; i < 10_000; i++)
        {
            var original = (i & 1) == 0 ? rtp : rtcp;
            var mutated = (byte[])original.Clone();
            var flips = 1 + random.Next(4);
            for (var f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)(1 + random.Next(255));
            }

            var length = random.Next(4) == 0 ? random.Next(mutated.Length + 1) : mutated.Length;
            var span = mutated.AsSpan(0, length);
            var result = (i & 1) == 0 ? _receiver.UnprotectRtp(span, out _) : _receiver.UnprotectRtcp(span, out _);

            Assert.That(result, Is.Not.EqualTo(SrtpResult.Ok), $"mutation {i}");
        }
    }

    [Test]
    public void New_SSRCs_past_the_stream_limit_are_refused_and_forgeries_take_no_place()
    {
        using var sender = SrtpSession.ForSending(_keys, maxStreams: 2);
        using var receiver = SrtpSession.ForReceiving(_keys, maxStreams: 2);
        var first = TestPackets.Protect(sender, TestPackets.Rtp(1, 1, 20));

        // Forgeries for many SSRCs must not fill the table before the genuine streams arrive.
        for (uint ssrc = 100; ssrc < 110; ssrc++)
        {
            Assert.That(receiver.UnprotectRtp(TestPackets.Rtp(1, ssrc, 20 + profile.AuthTagLength), out _), Is.EqualTo(SrtpResult.AuthenticationFailed));
        }

        var second = TestPackets.Protect(sender, TestPackets.Rtp(1, 2, 20));
        var thirdPlain = TestPackets.Rtp(1, 3, 20);
        var thirdBuffer = new byte[thirdPlain.Length + profile.RtpOverhead];
        thirdPlain.CopyTo(thirdBuffer, 0);

        Assert.Multiple(() =>
        {
            Assert.That(receiver.UnprotectRtp(first, out _), Is.EqualTo(SrtpResult.Ok));
            Assert.That(receiver.UnprotectRtp(second, out _), Is.EqualTo(SrtpResult.Ok));
            Assert.That(sender.TryProtectRtp(thirdBuffer, thirdPlain.Length, out _), Is.False, "the sender is bounded too");
        });

        using var unboundedSender = SrtpSession.ForSending(_keys);
        var third = TestPackets.Protect(unboundedSender, thirdPlain);
        Assert.That(receiver.UnprotectRtp(third, out _), Is.EqualTo(SrtpResult.StreamLimitReached));
    }

    // ---- Caller mistakes -----------------------------------------------------------------------

    [Test]
    public void Protect_refuses_what_it_cannot_protect_and_leaves_the_buffer_alone()
    {
        var plain = TestPackets.Rtp(1, Ssrc, 20);
        var noRoom = new byte[plain.Length + profile.AuthTagLength - 1];
        plain.CopyTo(noRoom, 0);
        var notRtp = (byte[])noRoom.Clone();
        Array.Resize(ref notRtp, plain.Length + profile.AuthTagLength);
        notRtp[0] = 0x40;
        var copyOfNotRtp = (byte[])notRtp.Clone();

        Assert.Multiple(() =>
        {
            Assert.That(_sender.TryProtectRtp(noRoom, plain.Length, out var l1), Is.False);
            Assert.That(l1, Is.Zero);
            Assert.That(noRoom[..plain.Length], Is.EqualTo(plain));
            Assert.That(_sender.TryProtectRtp(notRtp, plain.Length, out _), Is.False);
            Assert.That(notRtp, Is.EqualTo(copyOfNotRtp));
            Assert.That(_sender.TryProtectRtp(new byte[100], -1, out _), Is.False);
            Assert.That(_sender.TryProtectRtp(new byte[100], 101, out _), Is.False);
            Assert.That(_sender.TryProtectRtp(new byte[100], 11, out _), Is.False);
            Assert.That(_sender.TryProtectRtcp(new byte[100], 7, out _), Is.False);
            Assert.That(_sender.TryProtectRtcp(new byte[8 + profile.RtcpOverhead - 1], 8, out _), Is.False);
        });
    }

    [Test]
    public void Using_a_session_in_the_wrong_direction_or_after_disposal_throws()
    {
        var buffer = new byte[100];
        Assert.Multiple(() =>
        {
            Assert.That(() => _sender.UnprotectRtp(buffer, out _), Throws.InvalidOperationException);
            Assert.That(() => _sender.UnprotectRtcp(buffer, out _), Throws.InvalidOperationException);
            Assert.That(() => _receiver.TryProtectRtp(buffer, 20, out _), Throws.InvalidOperationException);
            Assert.That(() => _receiver.TryProtectRtcp(buffer, 20, out _), Throws.InvalidOperationException);
        });

        _receiver.Dispose();

        Assert.That(() => _receiver.UnprotectRtp(buffer, out _), Throws.InstanceOf<ObjectDisposedException>());
    }
}
