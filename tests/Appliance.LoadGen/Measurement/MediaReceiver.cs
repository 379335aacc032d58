using System.Buffers.Binary;
using System.Diagnostics;
using Appliance.LoadGen.Trace;
using Appliance.Media.Rtp;

namespace Appliance.LoadGen.Measurement;

/// <summary>
/// Everything one WebRTC endpoint of the generator receives: per-SSRC statistics, a latency histogram (added latency
/// in µs, only while the window is open), the time of the first media packet, and the RTCP feedback the SFU sent
/// (NACK, PLI, FIR). Its handlers run on the endpoint's receive thread only.
/// </summary>
internal sealed class MediaReceiver
{
    private readonly MeasurementWindow _window;
    private readonly Dictionary<uint, StreamStatistics> _streams = [];
    private readonly Lock _streamsGate = new();
    private long _firstPacketAt;
    private long _nacks;
    private long _plis;
    private long _firs;
    private long _foreign;

    public MediaReceiver(MeasurementWindow window) => _window = window;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Called on a PLI or FIR, as a browser's encoder is told to make a key frame.</summary>
    public Action? KeyframeRequested { get; set; }

    /// <summary>Stopwatch timestamp of the first media packet with a stamp, or 0.</summary>
    public long FirstPacketAt => Interlocked.Read(ref _firstPacketAt);

    public long Nacks => Interlocked.Read(ref _nacks);

    public long Plis => Interlocked.Read(ref _plis);

    public long Firs => Interlocked.Read(ref _firs);

    /// <summary>RTP packets without the generator's stamp (RTX, probing, anything else).</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    /// <summary>A copy of the per-SSRC statistics (the objects are live).</summary>
    public IReadOnlyList<(uint Ssrc, StreamStatistics Stream)> Streams()
    {
        lock (_streamsGate)
        {
            return _streams.Select(p => (p.Key, p.Value)).ToList();
        }
    }

    public void OnRtp(ReadOnlySpan<byte> packet)
    {
        var now = Stopwatch.GetTimestamp();
        if (RtpHeader.Read(packet, out var header) != RtpParseResult.Ok || !header.TryGetPayload(packet, out var payload)
            || !PacketStamp.TryRead(payload, out var publisher, out var kind, out var sentAt))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        if (_firstPacketAt == 0)
        {
            Interlocked.Exchange(ref _firstPacketAt, now);
        }

        if (!_streams.TryGetValue(header.Ssrc, out var stream))
        {
            stream = new StreamStatistics(publisher, kind);
            lock (_streamsGate)
            {
                _streams[header.Ssrc] = stream;
            }
        }

        var transit = now - sentAt;
        stream.Record(header.SequenceNumber, transit);
        if (_window.IsOpen)
        {
            Latency.Record(MeasurementWindow.Microseconds(transit - _window.BaselineTicks));
        }
    }

    public void OnRtcp(ReadOnlySpan<byte> compound)
    {
        // Walk the compound packet's headers: RTPFB (205) FMT 1 is a NACK, PSFB (206) FMT 1 a PLI and FMT 4 a FIR.
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var first = compound[offset];
            var type = compound[offset + 1];
            var length = (BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]) + 1) * 4;
            var format = first & 0x1F;
            if (type == 205 && format == 1)
            {
                Interlocked.Increment(ref _nacks);
            }
            else if (type == 206 && format == 1)
            {
                Interlocked.Increment(ref _plis);
                KeyframeRequested?.Invoke();
            }
            else if (type == 206 && format == 4)
            {
                Interlocked.Increment(ref _firs);
                KeyframeRequested?.Invoke();
            }

            offset += length;
        }
    }
}
