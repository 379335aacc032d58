using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Media.Transport;

/// <summary>Where a peer's packets go when they do not go out of the UDP socket: a framed stream.</summary>
internal interface IPacketPath
{
    /// <summary>Sends one packet; false when it was dropped (the path is full or closed). Never blocks.</summary>
    bool SendPacket(ReadOnlySpan<byte> packet);
}

/// <summary>
/// One accepted ICE-TCP connection (RFC 6544, passive side) with RFC 4571 framing. An asynchronous reader hands
/// each complete frame, copied into a pooled buffer, to the media server's receive thread, which owns everything
/// the connection means (its peer, whether it has authenticated). Before the first frame has been judged the
/// reader waits, so an unauthenticated connection has at most one frame in flight; after that at most
/// <see cref="MaxFramesInFlight"/> frames wait for the receive thread, and the reader stops reading (TCP's flow control
/// then holds the browser back) until the receive thread has handled some.
/// </summary>
/// <remarks>
/// Sends never block the caller: packets are framed into a bounded buffer (dropped, false, when it is full) and
/// written with non-blocking sends; what the kernel does not take now stays buffered for the next flush, which
/// the receive thread runs after each burst and each tick. The DTLS worker's sends flush at once. A lock orders
/// the receive thread's and the DTLS worker's writes; nobody waits on it for long. The send buffer is rented when
/// the connection authenticates, not before: a pending connection holds only its framer's buffer (one frame).
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The semaphore's wait handle is never asked for, so it holds nothing to dispose; Close ends the connection.")]
internal sealed class TcpConnection : IPacketPath
{
    /// <summary>Frames of an authenticated connection handed to the receive thread and not yet handled, at most.</summary>
    internal const int MaxFramesInFlight = 64;

    private readonly Socket _socket;
    private readonly Rfc4571Framer _framer;
    private readonly int _sendBufferSize;
    private readonly Lock _sendGate = new();
    private readonly TaskCompletionSource<bool> _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // No maximum: Close releases one more to wake a reader that waits, whatever is in flight.
    private readonly SemaphoreSlim _frameCredits = new(MaxFramesInFlight);
    private byte[]? _sendBuffer;
    private int _sendLength;
    private volatile bool _authenticated;
    private volatile bool _closed;

    public TcpConnection(Socket socket, int maxFrameLength, int sendBufferSize, long acceptedAt)
    {
        _socket = socket;

        // Sends from the receive thread must never wait for the browser; reads are asynchronous anyway.
        _socket.Blocking = false;
        _framer = new Rfc4571Framer(maxFrameLength);
        _sendBufferSize = sendBufferSize;
        AcceptedAt = acceptedAt;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        Remote = TransportAddress.FromEndPoint(RemoteEndPoint);
        Source = SourceOf(RemoteEndPoint.Address);
    }

    /// <summary>
    /// Whom the pending limit per source counts this connection against: the IPv4 address (also when it arrived
    /// IPv4-mapped on a dual-stack listener), or the IPv6 /64, which one host usually holds whole.
    /// </summary>
    public IPAddress Source { get; }

    /// <summary>The bytes of send buffer the connection holds from the pool: none until it authenticates, none once closed.</summary>
    internal int SendBufferLength
    {
        get
        {
            lock (_sendGate)
            {
                return _sendBuffer?.Length ?? 0;
            }
        }
    }

    /// <summary>The browser's end of the connection: the remote candidate ICE sees.</summary>
    public TransportAddress Remote { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>When the receive thread admitted it, as a timestamp of the server's clock.</summary>
    public long AcceptedAt { get; }

    public bool IsClosed => _closed;

    public bool IsAuthenticated => _authenticated;

    // Receive-thread state.
    public MediaPeer? Peer { get; set; }

    /// <summary>In the receive thread's list of connections to flush after the burst.</summary>
    public bool FlushQueued { get; set; }

    public bool HasUnsentBytes
    {
        get
        {
            lock (_sendGate)
            {
                return _sendLength > 0;
            }
        }
    }

    /// <summary>Starts the reader on the thread pool.</summary>
    public void StartReading(MediaServer server) => _ = Task.Run(() => ReadAsync(server));

    /// <summary>The first frame was a valid check for <paramref name="peer"/>: frames flow freely from here on.</summary>
    public void Authenticate(MediaPeer peer)
    {
        lock (_sendGate)
        {
            if (_closed)
            {
                return;
            }

            _sendBuffer = ArrayPool<byte>.Shared.Rent(_sendBufferSize);
        }

        Peer = peer;
        _authenticated = true;
        _verdict.TrySetResult(true);
    }

    /// <summary>The receive thread has handled (or dropped) one frame of this connection: the reader may hand over another.</summary>
    public void FrameHandled() => _frameCredits.Release();

    internal static IPAddress SourceOf(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    /// <summary>Frames the packet into the send buffer; false (dropped) when it does not fit or the connection closed.</summary>
    public bool TryQueue(ReadOnlySpan<byte> packet)
    {
        lock (_sendGate)
        {
            var buffer = _sendBuffer;
            if (buffer is null || packet.Length > buffer.Length - _sendLength - Rfc4571Framer.HeaderSize)
            {
                return false;
            }

            Rfc4571Framer.WriteHeader(buffer.AsSpan(_sendLength), packet.Length);
            packet.CopyTo(buffer.AsSpan(_sendLength + Rfc4571Framer.HeaderSize));
            _sendLength += Rfc4571Framer.HeaderSize + packet.Length;
            return true;
        }
    }

    /// <summary>
    /// Writes what the kernel takes without blocking and keeps the rest. False when the connection is broken
    /// (the reader sees the same and reports its end).
    /// </summary>
    public bool Flush()
    {
        lock (_sendGate)
        {
            var buffer = _sendBuffer;
            if (buffer is null)
            {
                return false;
            }

            var sent = 0;
            while (sent < _sendLength)
            {
                var count = _socket.Send(buffer.AsSpan(sent, _sendLength - sent), SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    break;
                }

                if (error != SocketError.Success || count <= 0)
                {
                    _sendLength = 0;
                    return false;
                }

                sent += count;
            }

            if (sent > 0)
            {
                Buffer.BlockCopy(buffer, sent, buffer, 0, _sendLength - sent);
                _sendLength -= sent;
            }

            return true;
        }
    }

    /// <summary>The DTLS worker's sends: queued and flushed at once (DTLS retransmits what is dropped).</summary>
    public bool SendPacket(ReadOnlySpan<byte> packet) => TryQueue(packet) && Flush();

    /// <summary>Closes the socket and gives the send buffer back; safe more than once and from any thread.</summary>
    public void Close()
    {
        _closed = true;
        _verdict.TrySetResult(false);

        // A reader waiting for a credit wakes, sees the close and ends.
        _frameCredits.Release();
        lock (_sendGate)
        {
            if (_sendBuffer is { } buffer)
            {
                _sendBuffer = null;
                _sendLength = 0;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _socket.Dispose();
    }

    private async Task ReadAsync(MediaServer server)
    {
        var end = TcpConnectionEnd.Closed;
        try
        {
            while (!_closed)
            {
                var count = await _socket.ReceiveAsync(_framer.FreeSpace, SocketFlags.None).ConfigureAwait(false);
                if (count == 0)
                {
                    end = _framer.Buffered > 0 ? TcpConnectionEnd.FramingError : TcpConnectionEnd.Closed;
                    break;
                }

                _framer.Advance(count);
                FrameResult result;
                while ((result = TakeFrame(out var frame, out var length)) == FrameResult.Frame)
                {
                    // Reads stop while the receive thread has MaxFramesInFlight of this connection's frames to handle.
                    await _frameCredits.WaitAsync().ConfigureAwait(false);
                    if (_closed)
                    {
                        ArrayPool<byte>.Shared.Return(frame!);
                        return;
                    }

                    server.PostTcpFrame(this, frame!, length);

                    // Reads stop until the receive thread has judged the first frame.
                    if (!_authenticated && !await _verdict.Task.ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (result == FrameResult.InvalidLength)
                {
                    end = TcpConnectionEnd.FramingError;
                    break;
                }
            }
        }
        catch (SocketException)
        {
            end = TcpConnectionEnd.Closed;
        }
        catch (ObjectDisposedException)
        {
            // Closed by the receive thread, which knows why.
            return;
        }

        if (!_closed)
        {
            server.PostTcpEnded(this, end);
        }
    }

    /// <summary>The next complete frame, copied into a buffer from the shared pool that the receive thread returns.</summary>
    private FrameResult TakeFrame(out byte[]? copy, out int length)
    {
        var result = _framer.TryTakeFrame(out var frame);
        copy = null;
        length = frame.Length;
        if (result == FrameResult.Frame)
        {
            copy = ArrayPool<byte>.Shared.Rent(frame.Length);
            frame.CopyTo(copy);
        }

        return result;
    }
}

/// <summary>How a TCP connection's reader ended.</summary>
internal enum TcpConnectionEnd
{
    /// <summary>The browser closed it, or the network did.</summary>
    Closed,

    /// <summary>A length of 0 or above the maximum, or the stream ended inside a frame.</summary>
    FramingError,
}
