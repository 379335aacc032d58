using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>How <see cref="DtlsSession.Serve"/> ended.</summary>
public enum DtlsSessionEnd
{
    /// <summary>The peer sent close_notify: it is leaving, and its SRTP keys can go.</summary>
    ClosedByPeer,

    /// <summary><see cref="DtlsSession.Close"/> was called.</summary>
    ClosedLocally,

    /// <summary>The caller's cancellation token fired; the session is still open and <see cref="DtlsSession.Serve"/> may be called again.</summary>
    Cancelled,

    /// <summary>The media plane closed the channel.</summary>
    ChannelClosed,

    /// <summary>The peer sent a fatal alert or broke the protocol; the session is over.</summary>
    Failed,
}

/// <summary>
/// An established DTLS association with one peer, after <see cref="DtlsSrtpServer.Accept(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, CancellationToken)"/>
/// or <see cref="DtlsSrtpClient.Connect(DtlsIdentity, IDatagramChannel, string, IReadOnlyList{int}, CancellationToken)"/>.
/// It carries the SRTP result and keeps answering the peer's DTLS records until it is closed.
/// </summary>
/// <remarks>
/// The server sends the last handshake flight. If that flight is lost, the peer retransmits its own last
/// flight, and only a server that is still reading answers with a retransmission (RFC 6347 section 4.2.4);
/// this is why the peer's worker goes on calling <see cref="Serve"/> after the handshake. Without it, a
/// browser whose Finished got lost never starts its media. On the client side, serving is how the end of
/// the association (the server's close_notify) is noticed.
/// </remarks>
public sealed class DtlsSession : IDisposable
{
    // How long Serve waits in BouncyCastle before looking at its state and token again. A datagram wakes it at once,
    // so this only bounds how late a local close or cancellation is noticed; every participant has a serving thread,
    // and at 100 ms a thousand of them woke ten thousand times a second on a media server's core for nothing.
    private const int ServeWaitMs = 1000;

    private readonly DtlsTransport _transport;
    private readonly ChannelDatagramTransport _channel;
    private readonly IDtlsAlertObserver _peer;
    private int _closed;
    private int _serving;

    internal DtlsSession(DtlsTransport transport, ChannelDatagramTransport channel, IDtlsAlertObserver peer, DtlsSrtpResult srtp)
    {
        _transport = transport;
        _channel = channel;
        _peer = peer;
        Srtp = srtp;
    }

    /// <summary>The negotiated SRTP profile, keying material and verified peer fingerprint.</summary>
    public DtlsSrtpResult Srtp { get; }

    /// <summary>Whether the association is over: closed by either side, failed, or its channel closed.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0 || _channel.IsClosed;

    /// <summary>
    /// Reads the peer's DTLS records until the association ends or <paramref name="cancellationToken"/> fires:
    /// answers retransmitted handshake flights, notices close_notify and alerts, and drops application data
    /// (WebRTC data travels over the signalling socket here, not SCTP). Blocks; call it on the peer's worker.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is already serving this session.</exception>
    public DtlsSessionEnd Serve(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _serving, 1) != 0)
        {
            throw new InvalidOperationException("The session is already being served.");
        }

        var buffer = new byte[_transport.GetReceiveLimit()];
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _closed) != 0)
                {
                    return DtlsSessionEnd.ClosedLocally;
                }

                if (_peer.CloseNotifyReceived)
                {
                    return DtlsSessionEnd.ClosedByPeer;
                }

                if (_channel.IsClosed)
                {
                    return DtlsSessionEnd.Failed;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return DtlsSessionEnd.Cancelled;
                }

                try
                {
                    _transport.Receive(buffer, 0, buffer.Length, ServeWaitMs);
                }
                catch (DtlsChannelClosedException)
                {
                    return EndedWhileReceiving(DtlsSessionEnd.ChannelClosed);
                }
                catch (IOException)
                {
                    // A fatal alert from the peer, or one BouncyCastle raised and already sent.
                    return EndedWhileReceiving(DtlsSessionEnd.Failed);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _serving, 0);
        }
    }

    /// <summary>
    /// The receive failed. If <see cref="Close"/> got there first, the failure is only the record layer being shut under
    /// the reading thread (BouncyCastle throws, or its transport reports the channel gone), and the end is a local close.
    /// </summary>
    private DtlsSessionEnd EndedWhileReceiving(DtlsSessionEnd otherwise) =>
        Interlocked.Exchange(ref _closed, 1) != 0 ? DtlsSessionEnd.ClosedLocally : otherwise;

    /// <summary>
    /// Sends close_notify and ends the association; <see cref="Serve"/> returns <see cref="DtlsSessionEnd.ClosedLocally"/>.
    /// Safe to call from any thread and more than once.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _transport.Close();
        }
        catch (IOException)
        {
            // close_notify is a courtesy over an unreliable path; the peer's consent check notices us gone anyway.
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();
}

/// <summary>Our side of the handshake (server or client), which hears the peer's alerts.</summary>
internal interface IDtlsAlertObserver
{
    /// <summary>Whether the peer has sent close_notify.</summary>
    bool CloseNotifyReceived { get; }
}
