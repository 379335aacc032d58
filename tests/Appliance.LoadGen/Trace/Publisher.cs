using System.Buffers.Binary;
using System.Diagnostics;
using Appliance.Media.Client;

namespace Appliance.LoadGen.Trace;

/// <summary>
/// One participant's outgoing streams on one endpoint: writes the trace's RTP packets (Opus with the audio level
/// extension, VP8 with its descriptor; both with the sdes:mid extension, as Chrome sends them) with the generator's
/// stamp, and sends them protected. <see cref="TrafficPump"/> calls it from its one thread.
/// </summary>
internal sealed class Publisher
{
    private const int AudioLevelId = 1;
    private const int MidId = 3;

    private readonly WebRtcClientEndpoint _endpoint;
    private readonly byte[] _packet = new byte[1500];
    private ushort _audioSequence;
    private uint _audioTimestamp;
    private ushort _videoSequence;
    private uint _videoTimestamp;
    private long _frame;
    private long _audioSent;
    private long _videoSent;
    private int _keyframeRequested;

    public Publisher(WebRtcClientEndpoint endpoint, int participant, uint? audioSsrc, uint? videoSsrc, bool speaking)
    {
        _endpoint = endpoint;
        Participant = participant;
        AudioSsrc = audioSsrc;
        VideoSsrc = videoSsrc;
        Speaking = speaking;
        // Start sequence numbers and timestamps away from zero, as real senders do, so wraps and offsets get exercised.
        _audioSequence = (ushort)(participant * 7919);
        _videoSequence = (ushort)(participant * 104729);
        _audioTimestamp = (uint)participant * 48_000u;
        _videoTimestamp = (uint)participant * 90_000u;
    }

    public int Participant { get; }

    public uint? AudioSsrc { get; }

    public uint? VideoSsrc { get; }

    /// <summary>Whether the audio level says voice (so the appliance ranks this participant as a speaker).</summary>
    public bool Speaking { get; }

    /// <summary>Stopwatch time the next audio packet is due (set by the pump).</summary>
    public long NextAudioAt { get; set; }

    /// <summary>Stopwatch time the next video frame is due (set by the pump).</summary>
    public long NextFrameAt { get; set; }

    public long AudioSent => Interlocked.Read(ref _audioSent);

    public long VideoSent => Interlocked.Read(ref _videoSent);

    /// <summary>The next frame is a key frame (a PLI or FIR came), as a browser's encoder does.</summary>
    public void RequestKeyframe() => Interlocked.Exchange(ref _keyframeRequested, 1);

    public void SendAudio()
    {
        if (AudioSsrc is not { } ssrc)
        {
            return;
        }

        var packet = _packet.AsSpan();
        var offset = WriteHeader(packet, GeneratorPayloadType.Opus, marker: false, _audioSequence++, _audioTimestamp, ssrc);
        _audioTimestamp += 960;
        // One-byte extensions (RFC 8285): audio level (V flag + level), then the mid "0"; one 32-bit word.
        packet[offset++] = AudioLevelId << 4;
        packet[offset++] = (byte)(Speaking ? 0x80 | 20 : 127);
        packet[offset++] = MidId << 4;
        packet[offset++] = (byte)'0';
        var payload = packet.Slice(offset, SyntheticTrace.AudioPayloadBytes);
        payload[0] = 0xFC; // an Opus TOC byte: CELT fullband 20 ms, one frame
        PacketStamp.Write(payload, Participant, StreamKind.Audio, Stopwatch.GetTimestamp());
        if (_endpoint.SendRtp(packet[..(offset + payload.Length)]))
        {
            Interlocked.Increment(ref _audioSent);
        }
    }

    public void SendVideoFrame()
    {
        if (VideoSsrc is not { } ssrc)
        {
            return;
        }

        var frame = _frame++;
        var keyframe = SyntheticTrace.IsKeyframe(frame) | Interlocked.Exchange(ref _keyframeRequested, 0) == 1;
        var count = SyntheticTrace.PacketsInFrame(frame);
        for (var i = 0; i < count; i++)
        {
            var packet = _packet.AsSpan();
            var offset = WriteHeader(packet, GeneratorPayloadType.Vp8, marker: i == count - 1, _videoSequence++, _videoTimestamp, ssrc);
            packet[offset++] = MidId << 4;
            packet[offset++] = (byte)'1';
            packet[offset++] = 0;
            packet[offset++] = 0;
            var payload = packet.Slice(offset, SyntheticTrace.VideoPayloadBytes);
            SyntheticTrace.WriteVp8Start(payload, (ushort)(frame & 0x7FFF), firstPacket: i == 0, keyframe);
            PacketStamp.Write(payload, Participant, StreamKind.Video, Stopwatch.GetTimestamp());
            if (_endpoint.SendRtp(packet[..(offset + payload.Length)]))
            {
                Interlocked.Increment(ref _videoSent);
            }
        }

        _videoTimestamp += 3000;
    }

    private static int WriteHeader(Span<byte> packet, int payloadType, bool marker, ushort sequence, uint timestamp, uint ssrc)
    {
        packet[0] = 0x90; // V=2, X=1
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
        BinaryPrimitives.WriteUInt16BigEndian(packet[12..], 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(packet[14..], 1);
        return 16;
    }
}

/// <summary>The payload types both SFUs are offered (the appliance's fixed numbers).</summary>
internal static class GeneratorPayloadType
{
    public const int Opus = 111;
    public const int Vp8 = 96;
}
