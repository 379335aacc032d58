using System.Buffers.Binary;
using Appliance.Media.Rtp;

namespace Appliance.Media.Sfu;

public sealed partial class SfuRouter
{
    /// <summary>
    /// Takes one decrypted RTP packet from <paramref name="from"/>, received at <paramref name="nowTicks"/>, and
    /// forwards it: audio to every other participant, video and screen to the slots that show it. The packet's MID
    /// extension element is blanked in place. Never throws for any content of <paramref name="packet"/>.
    /// </summary>
    public void OnRtp(ParticipantKey from, Span<byte> packet, long nowTicks)
    {
        if (!_participants.TryGetValue(from.Value, out var p))
        {
            UnknownParticipantPackets++;
            return;
        }

        var counters = p.Counters;
        if (packet.Length > _options.MaxPacketSize)
        {
            counters.DroppedOversized++;
            return;
        }

        if (RtpHeader.Read(packet, out var header) != RtpParseResult.Ok || !header.TryGetPayload(packet, out var payload))
        {
            counters.DroppedMalformed++;
            return;
        }

        var stream = p.FindStream(header.Ssrc, out var isRtx);
        if (stream is null)
        {
            counters.DroppedUnknownSsrc++;
            return;
        }

        if (header.PayloadType != (isRtx ? stream.RtxPayloadType : stream.PayloadType))
        {
            counters.DroppedPayloadType++;
            return;
        }

        if (isRtx && payload.Length < 2)
        {
            // RFC 4588 §4: an RTX packet without an original sequence number is padding, sent to probe bandwidth.
            counters.DroppedPaddingOnly++;
            return;
        }

        counters.RtpReceived++;
        BlankMid(packet, header);
        if (isRtx)
        {
            ForwardRetransmission(stream, packet, header, nowTicks);
            return;
        }

        stream.Reception.OnPacket(
            header.SequenceNumber, header.Timestamp, (uint)ToRtpUnits(nowTicks, stream.ClockRate));
        if (stream.Reception.Received == 1 || (int)(header.Timestamp - stream.LastTimestamp) > 0)
        {
            stream.LastTimestamp = header.Timestamp;
            stream.LastTimestampTicks = nowTicks;
        }

        _options.Tap?.OnForward(from, stream.Kind, header.PayloadType, payload);
        var payloadLength = payload.Length;
        if (stream.Kind == TrackKind.Audio)
        {
            if (stream.Track.AudioLevelExtensionId != 0
                && header.TryGetAudioLevel(packet, stream.Track.AudioLevelExtensionId, out var level))
            {
                var isSpeech = level.VoiceActivity && level.Level <= _options.SpeechLevelThreshold;
                p.Speech.Record(isSpeech, level.Level, nowTicks);
            }

            ForwardAudio(stream, packet, payloadLength);
            return;
        }

        ForwardVideo(stream, packet, header, payload, retransmission: false, nowTicks);
    }

    private void ForwardAudio(InboundStream stream, ReadOnlySpan<byte> packet, int payloadLength)
    {
        // Audio keeps the publisher's SSRC, sequence numbers and timestamps: no copy, no rewrite.
        var sinks = stream.AudioSinks;
        for (var i = 0; i < sinks.Count; i++)
        {
            var slot = sinks[i];
            _output.SendRtp(slot.Subscriber.Key, packet);
            slot.Packets++;
            slot.Octets += payloadLength;
            slot.Subscriber.Counters.RtpSent++;
        }
    }

    // A publisher's retransmission, unwrapped (RFC 4588 §4) and forwarded as the late packet it stands for.
    private void ForwardRetransmission(InboundStream stream, ReadOnlySpan<byte> rtx, in RtpHeader header, long nowTicks)
    {
        if (stream.Kind == TrackKind.Audio)
        {
            return;
        }

        var offset = header.PayloadOffset;
        var original = BinaryPrimitives.ReadUInt16BigEndian(rtx[offset..]);
        var length = rtx.Length - 2;
        var unwrapped = _unwrapScratch.AsSpan(0, length);
        rtx[..offset].CopyTo(unwrapped);
        rtx[(offset + 2)..].CopyTo(unwrapped[offset..]);
        RtpHeaderWriter.TrySetPayloadType(unwrapped, stream.PayloadType, header.Marker);
        RtpHeaderWriter.TryRewrite(unwrapped, stream.Ssrc, original, header.Timestamp);
        if (RtpHeader.Read(unwrapped, out var inner) != RtpParseResult.Ok || !inner.TryGetPayload(unwrapped, out var payload))
        {
            stream.Owner.Counters.DroppedMalformed++;
            return;
        }

        ForwardVideo(stream, unwrapped, inner, payload, retransmission: true, nowTicks);
    }

    private void ForwardVideo(
        InboundStream stream, ReadOnlySpan<byte> packet, in RtpHeader header, ReadOnlySpan<byte> payload, bool retransmission, long nowTicks)
    {
        var sequence = stream.Extend(header.SequenceNumber);
        stream.History?.Store(sequence, packet);
        var keyframeKnown = false;
        var keyframe = false;
        var sinks = stream.Sinks;
        for (var i = 0; i < sinks.Count; i++)
        {
            var slot = sinks[i];
            if (slot.Current == stream)
            {
                // Packets from before the change-over would reuse sequence numbers the previous source had.
                if (sequence >= slot.SwitchSourceSequence)
                {
                    Send(slot, stream, packet, header, payload.Length, sequence, nowTicks);
                }

                continue;
            }

            if (!keyframeKnown)
            {
                // A retransmitted key frame start is not a change-over point: the packets after it have gone by.
                keyframe = !retransmission && Keyframes.IsKeyframeStart(header.PayloadType, payload);
                keyframeKnown = true;
            }

            if (!keyframe)
            {
                stream.Owner.Counters.HeldForKeyframe++;
                continue;
            }

            SwitchSource(slot, stream, header, sequence, nowTicks);
            Send(slot, stream, packet, header, payload.Length, sequence, nowTicks);
        }
    }

    private void SwitchSource(VideoSlot slot, InboundStream stream, in RtpHeader header, long sequence, long nowTicks)
    {
        if (slot.HasSent)
        {
            // Continue where the previous source stopped: next sequence number, and a timestamp advanced by the
            // time that has passed since the last one sent, so that receivers' jitter buffers see a steady stream.
            slot.SequenceOffset = (ushort)(slot.LastSequence + 1 - header.SequenceNumber);
            var elapsed = ToRtpUnits(Math.Max(0, nowTicks - slot.LastTimestampTicks), SfuOptions.VideoClockRate);
            var increment = (uint)Math.Clamp(elapsed, 1, int.MaxValue);
            slot.TimestampOffset = slot.LastTimestamp + increment - header.Timestamp;
        }
        else
        {
            slot.SequenceOffset = 0;
            slot.TimestampOffset = 0;
        }

        slot.SwitchSourceSequence = sequence;
        slot.SwitchSequence = (ushort)(header.SequenceNumber + slot.SequenceOffset);
        var previous = slot.Current;
        slot.Current = stream;
        if (previous is not null && previous != slot.Assigned)
        {
            previous.Sinks.Remove(slot);
        }
    }

    private void Send(
        VideoSlot slot, InboundStream stream, ReadOnlySpan<byte> packet, in RtpHeader header, int payloadLength, long sequence, long nowTicks)
    {
        var outSequence = (ushort)(header.SequenceNumber + slot.SequenceOffset);
        var outTimestamp = header.Timestamp + slot.TimestampOffset;
        var buffer = _rtpScratch.AsSpan(0, packet.Length);
        packet.CopyTo(buffer);
        RtpHeaderWriter.TryRewrite(buffer, slot.Ssrc, outSequence, outTimestamp);
        _output.SendRtp(slot.Subscriber.Key, buffer);

        slot.History.Record(outSequence, outTimestamp, stream, sequence);
        if (!slot.HasSent || (short)(outSequence - slot.LastSequence) > 0)
        {
            slot.LastSequence = outSequence;
        }

        if (!slot.HasSent || (int)(outTimestamp - slot.LastTimestamp) > 0)
        {
            slot.LastTimestamp = outTimestamp;
            slot.LastTimestampTicks = nowTicks;
        }

        slot.HasSent = true;
        slot.Packets++;
        slot.Octets += payloadLength;
        slot.Subscriber.Counters.RtpSent++;
    }

    // The publisher's MID names its own m-line; at a subscriber it would name the wrong one or none. Turning the
    // element into padding (id 0, RFC 8285 §4.2/§4.3) removes it without moving the payload.
    private static void BlankMid(Span<byte> packet, in RtpHeader header)
    {
        if (!header.HasOneByteExtensions && !header.HasTwoByteExtensions)
        {
            return;
        }

        var elementHeader = header.HasTwoByteExtensions ? 2 : 1;
        foreach (var element in header.EnumerateExtensions(packet))
        {
            if (element.Id == SfuOptions.MidExtensionId && packet.Overlaps(element.Value, out var offset))
            {
                packet.Slice(offset - elementHeader, elementHeader + element.Value.Length).Clear();
                return;
            }
        }
    }

    private long ToRtpUnits(long ticks, int clockRate) =>
        (long)((Int128)ticks * clockRate / _options.Clock.TicksPerSecond);
}
