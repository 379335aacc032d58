using System.Buffers.Binary;
using Appliance.Media.Rtp;

namespace Appliance.Media.Sfu;

public sealed partial class SfuRouter
{
    // Compound packets the router writes stay well under a 1500-byte path MTU after SRTCP's tag and index.
    private const int MaxRtcpPacket = 1200;

    // RFC 3550 §6.4.1: an SR without report blocks.
    private const int SenderReportLength = 28;

    // A NACK forwarded upstream names at most this many packets.
    private const int MaxForwardedNacks = 64;

    private enum KeyframeRequest
    {
        PictureLoss,
        FullIntra,
    }

    /// <summary>
    /// Takes one decrypted RTCP compound packet from <paramref name="from"/>: key frame requests and NACKs about
    /// its slots are answered or relayed to the publisher; sender reports about its own streams are remembered.
    /// Packets before a malformed one are used; the rest is dropped and counted. Never throws.
    /// </summary>
    public void OnRtcp(ParticipantKey from, ReadOnlySpan<byte> compound, long nowTicks)
    {
        if (!_participants.TryGetValue(from.Value, out var p))
        {
            UnknownParticipantPackets++;
            return;
        }

        var counters = p.Counters;
        var tokens = RefillRetransmissionTokens(p, nowTicks);
        var budget = Math.Min(_options.MaxRetransmissionsPerFeedback, (int)tokens);
        var granted = budget;
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out var packet))
        {
            counters.RtcpReceived++;
            switch (packet.Type)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryRead(packet, out var report):
                    if (p.FindStream(report.Ssrc, out var isRtx) is { } stream && !isRtx)
                    {
                        stream.HasSenderReport = true;
                        stream.SenderReportNtp = report.NtpTimestamp;
                        stream.SenderReportRtp = report.RtpTimestamp;
                        stream.SenderReportTicks = nowTicks;
                        counters.SenderReportsReceived++;
                    }

                    break;
                case RtcpPacketType.PayloadSpecificFeedback:
                    if (RtcpPictureLossIndication.TryRead(packet, out var pli))
                    {
                        OnKeyframeRequest(p, pli.MediaSsrc, KeyframeRequest.PictureLoss, nowTicks);
                    }
                    else if (RtcpFullIntraRequest.TryRead(packet, out var fir))
                    {
                        for (var i = 0; i < fir.EntryCount; i++)
                        {
                            OnKeyframeRequest(p, fir.GetEntry(i).Ssrc, KeyframeRequest.FullIntra, nowTicks);
                        }
                    }

                    // REMB and other application feedback: bandwidth adaptation comes with simulcast, later.
                    break;
                case RtcpPacketType.TransportFeedback when RtcpGenericNack.TryRead(packet, out var nack):
                    OnNack(p, nack, ref budget, nowTicks);
                    break;
                default:
                    // RR, SDES, BYE, APP, TWCC: nothing the router acts on yet.
                    break;
            }
        }

        p.RetransmissionTokens = tokens - (granted - budget);
        if (reader.Result != RtcpParseResult.Ok)
        {
            counters.RtcpMalformed++;
        }
    }

    private double RefillRetransmissionTokens(Participant p, long nowTicks)
    {
        var capacity = Math.Max(_options.MaxRetransmissionsPerFeedback, _options.RetransmissionsPerSecond / 4.0);
        if (p.RetransmissionTokensTicks == long.MinValue)
        {
            p.RetransmissionTokens = capacity;
        }
        else if (nowTicks > p.RetransmissionTokensTicks)
        {
            var elapsed = (nowTicks - p.RetransmissionTokensTicks) / (double)_options.Clock.TicksPerSecond;
            p.RetransmissionTokens = Math.Min(capacity, p.RetransmissionTokens + (elapsed * _options.RetransmissionsPerSecond));
        }

        p.RetransmissionTokensTicks = Math.Max(nowTicks, p.RetransmissionTokensTicks);
        return p.RetransmissionTokens;
    }

    private void OnKeyframeRequest(Participant subscriber, uint ssrc, KeyframeRequest kind, long nowTicks)
    {
        if (subscriber.FindSlot(ssrc) is not { } slot)
        {
            return;
        }

        subscriber.Counters.KeyframeRequestsReceived++;

        // While a slot waits for its new source, the subscriber's need is that source's key frame.
        if ((slot.Assigned ?? slot.Current) is { } source)
        {
            RequestKeyframe(source, kind, nowTicks, countSuppressed: true);
        }
    }

    private void RequestKeyframe(InboundStream stream, KeyframeRequest kind, long nowTicks, bool countSuppressed)
    {
        var publisher = stream.Owner;
        if (stream.LastKeyframeRequestTicks != long.MinValue && nowTicks - stream.LastKeyframeRequestTicks < _keyframeIntervalTicks)
        {
            if (countSuppressed)
            {
                publisher.Counters.KeyframeRequestsSuppressed++;
            }

            return;
        }

        stream.LastKeyframeRequestTicks = nowTicks;
        int written;
        if (kind == KeyframeRequest.FullIntra)
        {
            // RFC 5104 §4.3.1.2: a new request, a new sequence number, ours per publisher stream.
            stream.FirSequence++;
            RtcpWriter.TryWriteFullIntraRequest(_rtcpScratch, RouterSsrc, stream.Ssrc, stream.FirSequence, out written);
        }
        else
        {
            RtcpWriter.TryWritePictureLossIndication(_rtcpScratch, RouterSsrc, stream.Ssrc, out written);
        }

        _output.SendRtcp(publisher.Key, _rtcpScratch.AsSpan(0, written));
        publisher.Counters.KeyframeRequestsSent++;
    }

    private void OnNack(Participant subscriber, RtcpGenericNack nack, ref int budget, long nowTicks)
    {
        var counters = subscriber.Counters;
        var slot = subscriber.FindSlot(nack.MediaSsrc);
        if (slot is null)
        {
            // Audio is not retransmitted (Opus has its own FEC), and other SSRCs are not ours.
            foreach (var _ in nack)
            {
                counters.NackedPacketsMissed++;
            }

            return;
        }

        Span<ushort> upstream = stackalloc ushort[MaxForwardedNacks];
        var upstreamCount = 0;
        var entries = slot.History.Entries;
        foreach (var sequence in nack)
        {
            if (budget <= 0)
            {
                counters.NackedPacketsThrottled++;
                continue;
            }

            var index = slot.History.IndexOf(sequence);
            if (index >= 0)
            {
                ref var entry = ref entries[index];
                if (entry.LastResentTicks != long.MinValue && nowTicks - entry.LastResentTicks < _minRetransmitTicks)
                {
                    counters.NackedPacketsThrottled++;
                    continue;
                }

                if (entry.Source?.History is { } history && history.TryGet(entry.SourceSequence, out var original)
                    && SendRetransmission(slot, original, sequence, entry.Timestamp))
                {
                    entry.LastResentTicks = nowTicks;
                    budget--;
                    counters.NackedPacketsServed++;
                    continue;
                }
            }

            counters.NackedPacketsMissed++;

            // Never sent here, probably lost on the way in: ask the current source, if the number maps onto it.
            if (slot.Current is not null && index < 0 && upstreamCount < upstream.Length && slot.HasSent
                && (short)(sequence - slot.SwitchSequence) >= 0 && (short)(slot.LastSequence - sequence) >= 0)
            {
                upstream[upstreamCount++] = (ushort)(sequence - slot.SequenceOffset);
            }
        }

        if (upstreamCount > 0 && slot.Current is { } source
            && RtcpWriter.TryWriteNack(_rtcpScratch, RouterSsrc, source.Ssrc, upstream[..upstreamCount], out var written))
        {
            _output.SendRtcp(source.Owner.Key, _rtcpScratch.AsSpan(0, written));
            counters.NacksForwarded++;
        }
    }

    // RFC 4588 §4: the slot's RTX SSRC and payload type, the RTX stream's own sequence number, and the original
    // sequence number (OSN) in front of the original payload.
    private bool SendRetransmission(VideoSlot slot, ReadOnlySpan<byte> original, ushort outSequence, uint outTimestamp)
    {
        if (RtpHeader.Read(original, out var header) != RtpParseResult.Ok
            || !SfuOptions.TryGetRtxPayloadType(header.PayloadType, out var rtxPayloadType))
        {
            return false;
        }

        var offset = header.PayloadOffset;
        var buffer = _rtpScratch.AsSpan(0, original.Length + 2);
        original[..offset].CopyTo(buffer);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[offset..], outSequence);
        original[offset..].CopyTo(buffer[(offset + 2)..]);
        RtpHeaderWriter.TrySetPayloadType(buffer, rtxPayloadType, header.Marker);
        RtpHeaderWriter.TryRewrite(buffer, slot.RtxSsrc, slot.RtxSequence, outTimestamp);
        slot.RtxSequence++;
        _output.SendRtp(slot.Subscriber.Key, buffer);
        slot.Subscriber.Counters.RtxSent++;
        return true;
    }

    private void SendReports(long nowTicks)
    {
        var ntp = _options.Clock.ToNtp(nowTicks);
        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[3];
        foreach (var p in _members)
        {
            // Receiver report about what this participant publishes.
            var count = 0;
            foreach (var stream in (ReadOnlySpan<InboundStream?>)[p.Audio, p.Video, p.Screen])
            {
                if (stream is null || !stream.Reception.HasData)
                {
                    continue;
                }

                uint lastSenderReport = 0, delay = 0;
                if (stream.HasSenderReport)
                {
                    // LSR: the middle 32 bits of the SR's NTP time; DLSR in 1/65536 s (RFC 3550 §6.4.1).
                    lastSenderReport = (uint)(stream.SenderReportNtp >> 16);
                    delay = (uint)Math.Min(uint.MaxValue, (long)((Int128)(nowTicks - stream.SenderReportTicks) * 65536 / _options.Clock.TicksPerSecond));
                }

                blocks[count++] = stream.Reception.CreateReportBlock(stream.Ssrc, lastSenderReport, delay);
            }

            if (count > 0 && RtcpWriter.TryWriteReceiverReport(_rtcpScratch, RouterSsrc, blocks[..count], out var written))
            {
                _output.SendRtcp(p.Key, _rtcpScratch.AsSpan(0, written));
                p.Counters.ReceiverReportsSent++;
            }

            // Sender reports about what this participant receives, several to a compound packet.
            var length = 0;
            foreach (var slot in p.VideoSlots)
            {
                AppendVideoSenderReport(p, slot, ntp, nowTicks, ref length);
            }

            AppendVideoSenderReport(p, p.ScreenSlot, ntp, nowTicks, ref length);
            foreach (var slot in p.AudioSlots)
            {
                if (slot.Packets > 0)
                {
                    var rtp = (uint)ExtrapolateRtp(slot.Source, nowTicks);
                    AppendSenderReport(p, slot.Source.Ssrc, ntp, rtp, slot.Packets, slot.Octets, ref length);
                }
            }

            FlushSenderReports(p, ref length);
        }
    }

    private void AppendVideoSenderReport(Participant p, VideoSlot slot, ulong ntp, long nowTicks, ref int length)
    {
        if (slot.Packets == 0 || slot.Current is null)
        {
            // An empty slot is not a sender now (RFC 3550 §6.4).
            return;
        }

        // The current source's own clock mapping carried into the slot's timestamp space keeps lip sync with the
        // source's audio; without one, advance the last timestamp sent by the time since it was sent.
        var rtp = slot.Current is { HasSenderReport: true } source
            ? (uint)ExtrapolateRtp(source, nowTicks) + slot.TimestampOffset
            : slot.LastTimestamp + (uint)ToRtpUnits(nowTicks - slot.LastTimestampTicks, SfuOptions.VideoClockRate);
        AppendSenderReport(p, slot.Ssrc, ntp, rtp, slot.Packets, slot.Octets, ref length);
    }

    // The source's RTP time now, from its last SR taken as of its arrival (the same one-way delay shifts audio and
    // video alike), else from its last packet.
    private long ExtrapolateRtp(InboundStream source, long nowTicks) => source.HasSenderReport
        ? source.SenderReportRtp + ToRtpUnits(nowTicks - source.SenderReportTicks, source.ClockRate)
        : source.LastTimestamp + ToRtpUnits(nowTicks - source.LastTimestampTicks, source.ClockRate);

    private void AppendSenderReport(Participant p, uint ssrc, ulong ntp, uint rtp, long packets, long octets, ref int length)
    {
        if (length + SenderReportLength > MaxRtcpPacket)
        {
            FlushSenderReports(p, ref length);
        }

        if (RtcpWriter.TryWriteSenderReport(
            _rtcpScratch.AsSpan(length), ssrc, ntp, rtp, unchecked((uint)packets), unchecked((uint)octets), [], out var written))
        {
            length += written;
            p.Counters.SenderReportsSent++;
        }
    }

    private void FlushSenderReports(Participant p, ref int length)
    {
        if (length > 0)
        {
            _output.SendRtcp(p.Key, _rtcpScratch.AsSpan(0, length));
            length = 0;
        }
    }
}
