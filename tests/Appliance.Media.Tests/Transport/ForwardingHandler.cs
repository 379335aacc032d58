using System.Buffers.Binary;
using System.Collections.Concurrent;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

/// <summary>
/// The smallest SFU: every RTP and RTCP packet goes to every other connected peer. Records what happened for
/// the tests, and can measure the receive thread's allocations between two marked RTP sequence numbers.
/// </summary>
internal sealed class ForwardingHandler : IMediaHandler
{
    private readonly List<MediaPeer> _connected = [];
    private readonly ConcurrentDictionary<long, int> _rtpFrom = new();
    private readonly ConcurrentDictionary<long, int> _rtcpFrom = new();
    private long _ticks;
    private long _allocatedAtStart = -1;
    private long _allocatedBetweenMarks = -1;

    public ConcurrentQueue<MediaPeer> Connected { get; } = new();

    public ConcurrentQueue<(MediaPeer Peer, PeerCloseReason Reason)> Disconnected { get; } = new();

    /// <summary>Throw from OnRtp for packets whose first payload byte is this value (to test survival).</summary>
    public byte? ThrowOnPayloadByte { get; set; }

    /// <summary>Sequence numbers at which to start and stop counting allocated bytes on the receive thread.</summary>
    public (ushort Start, ushort End)? AllocationMarks { get; set; }

    /// <summary>Bytes the receive thread allocated between the marks, -1 until the end mark passed.</summary>
    public long AllocatedBetweenMarks => Interlocked.Read(ref _allocatedBetweenMarks);

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Called on the receive thread with each RTP packet's sequence number, before forwarding.</summary>
    public Action<ushort>? OnRtpProbe { get; set; }

    public int RtpFrom(MediaPeer peer) => _rtpFrom.GetValueOrDefault(peer.Id);

    public int RtcpFrom(MediaPeer peer) => _rtcpFrom.GetValueOrDefault(peer.Id);

    public void OnRtp(MediaPeer from, Span<byte> packet, long nowTicks)
    {
        if (AllocationMarks is { } marks)
        {
            var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            if (sequence == marks.Start)
            {
                _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (sequence == marks.End && _allocatedAtStart >= 0)
            {
                Interlocked.Exchange(ref _allocatedBetweenMarks, GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart);
            }
        }
        else
        {
            // The dictionary update allocates now and then; the allocation test measures without it.
            _rtpFrom.AddOrUpdate(from.Id, 1, static (_, n) => n + 1);
        }

        OnRtpProbe?.Invoke(BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        if (ThrowOnPayloadByte is { } poison && packet.Length > 12 && packet[12] == poison)
        {
            throw new InvalidOperationException("A handler bug, on purpose.");
        }

        foreach (var peer in _connected)
        {
            if (!ReferenceEquals(peer, from))
            {
                peer.SendRtp(packet);
            }
        }
    }

    public void OnRtcp(MediaPeer from, Span<byte> compound, long nowTicks)
    {
        _rtcpFrom.AddOrUpdate(from.Id, 1, static (_, n) => n + 1);
        foreach (var peer in _connected)
        {
            if (!ReferenceEquals(peer, from))
            {
                peer.SendRtcp(compound);
            }
        }
    }

    public void OnPeerConnected(MediaPeer peer)
    {
        _connected.Add(peer);
        Connected.Enqueue(peer);
    }

    public void OnPeerDisconnected(MediaPeer peer, PeerCloseReason reason)
    {
        _connected.Remove(peer);
        Disconnected.Enqueue((peer, reason));
    }

    public void OnTick(long nowTicks) => Interlocked.Increment(ref _ticks);
}
