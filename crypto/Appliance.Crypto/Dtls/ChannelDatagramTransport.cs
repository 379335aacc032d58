using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// BouncyCastle's <see cref="DatagramTransport"/> over an <see cref="IDatagramChannel"/>: bounded waits so that
/// cancellation is seen, a filter that drops what cannot be a DTLS record before BouncyCastle parses it, and a
/// close that leaves the media plane's channel alone.
/// </summary>
/// <remarks>
/// A receive always waits on the channel, never returns early: BouncyCastle's record layer calls again at once
/// until its own deadline, so an early -1 would spin a core.
/// </remarks>
internal sealed class ChannelDatagramTransport : DatagramTransport
{
    /// <summary>DTLS record header: type, version, epoch, sequence number, length (RFC 6347 section 4.1).</summary>
    internal const int RecordHeaderLength = 13;

    // A full 2^14 plaintext record plus the largest expansion RFC 6347 allows, so no record a peer may send is cut.
    private const int ReceiveLimit = RecordHeaderLength + (1 << 14) + 2048;

    // Longest single wait on the channel, so that a cancelled handshake ends within this time.
    private const int WaitSliceMs = 100;

    private readonly IDatagramChannel _channel;
    private volatile bool _closed;

    internal ChannelDatagramTransport(IDatagramChannel channel)
    {
        _channel = channel;
    }

    /// <summary>Cancels a handshake in progress: a receive throws <see cref="OperationCanceledException"/>.</summary>
    internal CancellationToken HandshakeCancellation { get; set; }

    /// <summary>Whether BouncyCastle closed the connection (close_notify sent or received, or a failure).</summary>
    internal bool IsClosed => _closed;

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => _channel.MaxDatagramSize;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        // DatagramTransport reads a wait of zero as "forever"; one slice is the same to BouncyCastle, which loops.
        var remaining = waitMillis > 0 ? waitMillis : WaitSliceMs;
        // Slices only while a handshake can be cancelled. Afterwards the session's serving loop looks at its state
        // between BouncyCastle's waits anyway, and one wait instead of ten a second matters with a thousand peers.
        var longestWait = HandshakeCancellation.CanBeCanceled ? WaitSliceMs : remaining;
        while (remaining > 0)
        {
            HandshakeCancellation.ThrowIfCancellationRequested();
            var slice = Math.Min(remaining, longestWait);
            remaining -= slice;
            var received = ReceiveFromChannel(buffer, slice);
            if (received < 0)
            {
                continue;
            }

            if (IsPlausibleRecord(buffer[..received]))
            {
                return received;
            }
        }

        return -1;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!_closed)
        {
            _channel.Send(buffer);
        }
    }

    /// <summary>Called by BouncyCastle once the DTLS connection is over; the channel stays open for the media plane.</summary>
    public void Close() => _closed = true;

    /// <summary>
    /// RFC 7983 gives DTLS the first bytes 20 to 63; a datagram must also hold whole records. This keeps STUN,
    /// RTP and noise that the demultiplexer let through away from BouncyCastle's parser.
    /// </summary>
    internal static bool IsPlausibleRecord(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < RecordHeaderLength || datagram[0] < 20 || datagram[0] > 63)
        {
            return false;
        }

        var rest = datagram;
        while (rest.Length > 0)
        {
            if (rest.Length < RecordHeaderLength || rest[1] != 0xFE)
            {
                // Every DTLS version is 254.x on the wire (RFC 6347 section 4.1).
                return false;
            }

            var recordLength = RecordHeaderLength + ((rest[11] << 8) | rest[12]);
            if (recordLength > rest.Length)
            {
                return false;
            }

            rest = rest[recordLength..];
        }

        return true;
    }

    private int ReceiveFromChannel(Span<byte> buffer, int timeoutMs)
    {
        int received;
        try
        {
            received = _channel.Receive(buffer, timeoutMs);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            throw new DtlsChannelClosedException("The datagram channel is closed.", ex);
        }

        if (received == 0)
        {
            throw new DtlsChannelClosedException();
        }

        return received < 0 ? -1 : Math.Min(received, buffer.Length);
    }
}

/// <summary>The media plane closed the channel; an <see cref="IOException"/> so BouncyCastle passes it through unwrapped.</summary>
internal sealed class DtlsChannelClosedException : IOException
{
    public DtlsChannelClosedException()
        : base("The datagram channel is closed.")
    {
    }

    public DtlsChannelClosedException(string message)
        : base(message)
    {
    }

    public DtlsChannelClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
