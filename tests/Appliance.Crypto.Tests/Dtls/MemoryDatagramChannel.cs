using System.Collections.Concurrent;
using Appliance.Crypto.Dtls;

namespace Appliance.Crypto.Tests.Dtls;

/// <summary>
/// One end of an in-memory datagram path: what this end sends lands in the other end's queue. A drop rule
/// on the sending side simulates loss; <see cref="Inject"/> puts raw datagrams in front of this end.
/// </summary>
internal sealed class MemoryDatagramChannel : IDatagramChannel
{
    private readonly BlockingCollection<byte[]> _inbound;
    private readonly BlockingCollection<byte[]> _outbound;
    private int _sent;

    private MemoryDatagramChannel(BlockingCollection<byte[]> inbound, BlockingCollection<byte[]> outbound)
    {
        _inbound = inbound;
        _outbound = outbound;
    }

    public int MaxDatagramSize { get; init; } = 1200;

    /// <summary>Given the 1-based number and the bytes of a datagram this end sends, whether the path loses it.</summary>
    public Func<int, byte[], bool>? Drops { get; set; }

    public int SentCount => Volatile.Read(ref _sent);

    public int DroppedCount { get; private set; }

    public static (MemoryDatagramChannel Server, MemoryDatagramChannel Client) CreatePair()
    {
        var toServer = new BlockingCollection<byte[]>();
        var toClient = new BlockingCollection<byte[]>();
        return (new MemoryDatagramChannel(toServer, toClient), new MemoryDatagramChannel(toClient, toServer));
    }

    public int Receive(Span<byte> buffer, int timeoutMs)
    {
        if (_inbound.TryTake(out var datagram, timeoutMs))
        {
            var length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }

        return _inbound.IsCompleted ? 0 : -1;
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        var number = Interlocked.Increment(ref _sent);
        var copy = datagram.ToArray();
        if (Drops?.Invoke(number, copy) == true)
        {
            DroppedCount++;
            return;
        }

        if (!_outbound.IsAddingCompleted)
        {
            try
            {
                _outbound.Add(copy);
            }
            catch (InvalidOperationException)
            {
                // Closed between the check and the add: the datagram is lost, as on a real network.
            }
        }
    }

    /// <summary>Delivers a datagram to this end as if the peer had sent it.</summary>
    public void Inject(byte[] datagram)
    {
        // Length 0 means "closed" in IDatagramChannel; the real demultiplexer cannot classify an empty datagram either.
        ArgumentOutOfRangeException.ThrowIfZero(datagram.Length);
        _inbound.Add(datagram);
    }

    /// <summary>Closes both directions: each end drains what is queued, then reads 0.</summary>
    public void ClosePath()
    {
        _inbound.CompleteAdding();
        _outbound.CompleteAdding();
    }
}
