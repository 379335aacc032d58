using System.Net;
using System.Net.Sockets;
using Appliance.Crypto.Dtls;

namespace Appliance.Media.Transport;

/// <summary>
/// One peer's DTLS path on a shared UDP socket: the socket's receive thread posts copies of the peer's DTLS
/// datagrams into a bounded queue, the peer's DTLS worker takes them, and sends go straight out of the socket
/// to <see cref="Destination"/>, or into the ICE-TCP connection ICE selected (<see cref="Path"/>). DTLS is rare
/// (a handshake, then retransmissions and close_notify), so copying and locking here cost nothing that matters.
/// </summary>
internal sealed class QueuedDatagramChannel : IDatagramChannel
{
    /// <summary>What the DTLS layer may send: an IPv6 minimum MTU less headers, as browsers use.</summary>
    public const int DefaultMaxDatagramSize = 1200;

    private readonly object _gate = new();
    private readonly Queue<byte[]> _queue = new();
    private readonly Socket _socket;
    private readonly int _capacity;
    private volatile SocketAddress? _destination;
    private volatile IPacketPath? _path;
    private bool _completed;

    public QueuedDatagramChannel(Socket socket, int capacity)
    {
        _socket = socket;
        _capacity = capacity;
    }

    public int MaxDatagramSize => DefaultMaxDatagramSize;

    /// <summary>Where sends go; null drops them. Set by the receive thread as ICE selects the peer's address.</summary>
    public SocketAddress? Destination
    {
        get => _destination;
        set => _destination = value;
    }

    /// <summary>A framed stream (ICE-TCP) that sends go to instead of <see cref="Destination"/>, when ICE selected one.</summary>
    public IPacketPath? Path
    {
        get => _path;
        set => _path = value;
    }

    /// <summary>Queues a copy of <paramref name="datagram"/>; false when the queue is full or closed, or it is empty.</summary>
    public bool TryPost(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return false;
        }

        lock (_gate)
        {
            if (_completed || _queue.Count >= _capacity)
            {
                return false;
            }

            _queue.Enqueue(datagram.ToArray());
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>No more datagrams: a waiting or later <see cref="Receive"/> returns 0 once the queue is drained.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    public int Receive(Span<byte> buffer, int timeoutMs)
    {
        byte[] datagram;
        lock (_gate)
        {
            // Pulses come only with a datagram or completion, so one wait never returns early without cause.
            if (_queue.Count == 0 && !_completed)
            {
                Monitor.Wait(_gate, Math.Max(timeoutMs, 0));
            }

            if (_queue.Count == 0)
            {
                return _completed ? 0 : -1;
            }

            datagram = _queue.Dequeue();
        }

        var length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        if (_path is { } path)
        {
            // Dropped when the path is full or closed: loss, which DTLS retransmits over.
            path.SendPacket(datagram);
            return;
        }

        var destination = _destination;
        if (destination is null)
        {
            return;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            // Loss, as on any network path; DTLS retransmits.
        }
        catch (ObjectDisposedException)
        {
            // The socket closed under a last close_notify: nothing left to tell.
        }
    }

    /// <summary>A socket address for <paramref name="endPoint"/> as the send calls take it (allocates; not per packet).</summary>
    public static SocketAddress AddressOf(IPEndPoint endPoint) => endPoint.Serialize();
}
