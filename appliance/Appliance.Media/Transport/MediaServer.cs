using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;
using Appliance.Media.Demux;
using Appliance.Media.Ice;
using Appliance.Media.Stun;

namespace Appliance.Media.Transport;

/// <summary>
/// The media plane's runtime: one UDP socket for every peer (ICE-lite, RFC 7983 demultiplexing), optionally an ICE-TCP
/// listener for peers that cannot use UDP, a DTLS worker
/// per peer, SRTP in and out, and an <see cref="IMediaHandler"/> that decides where media goes.
/// </summary>
/// <remarks>
/// <para><b>Threading model.</b> One dedicated receive thread owns the per-packet path: it reads the socket with
/// batched <c>recvmmsg</c> (see below) or the allocation-free <c>Socket.ReceiveFrom(Span, SocketFlags, SocketAddress)</c> into preallocated buffers,
/// answers STUN, decrypts SRTP in place, calls the handler, and — through <see cref="MediaPeer.SendRtp"/> from
/// inside the handler — encrypts into one scratch buffer and sends. That thread alone touches the address map,
/// the SRTP sessions and the counters' values, so the path takes no lock and allocates nothing. Every handler
/// callback runs on it, one at a time.</para>
/// <para>Other threads (signalling) call <see cref="AddPeer"/>, <see cref="RemovePeer"/> and
/// <see cref="MediaPeer.RestartIce"/>; those post to a queue that the receive thread drains between datagrams,
/// or use the ICE agents' own locks. Each peer's DTLS handshake runs on its own long-running worker, which
/// hands the finished SRTP sessions to the receive thread through the same queue and then serves the DTLS
/// association until it ends.</para>
/// <para>The receive thread blocks in the socket. When no datagram has arrived for half a tick interval, a timer
/// wakes it with a one-byte datagram the socket sends to itself; posting a control operation does the same.
/// Under load no wake-ups are sent, so the hot loop makes at most one receive call per datagram.</para>
/// <para><b>Batched I/O</b> (<see cref="MediaServerOptions.BatchedIo"/>, Linux): one <c>recvmmsg</c> takes up
/// to 32 queued datagrams into preallocated native slots, and <see cref="MediaPeer.SendRtp"/> protects into the
/// next of 64 native send slots instead of sending; the slots go out in one <c>sendmmsg</c> when full, after a
/// tick, and before the loop waits for the next burst, so a packet waits at most behind the burst that caused
/// it. Each datagram's outcome is counted for its peer when the batch goes (RtpSent, BytesSent, SendFailures).
/// STUN responses and DTLS go straight out of the socket, as without batching.</para>
/// <para><b>ICE-TCP</b> (<see cref="MediaServerOptions.TcpPort"/>, RFC 6544 passive, RFC 4571 framing): an accept loop
/// and a reader per connection run on the thread pool and hand connections and complete frames (in pooled buffers) to
/// the receive thread through a queue, waking it once per burst; the receive thread alone decides what a connection
/// is (pending, a peer's, closed) and handles its frames as it handles datagrams. Sends to a peer whose selected pair
/// is a TCP connection are framed into that connection's bounded buffer and written without blocking when the burst's
/// sends go out. See the Transport README.</para>
/// </remarks>
public sealed class MediaServer : IDisposable
{
    // Any UDP datagram fits, so the kernel never truncates one unseen; longer than MaxDatagramSize is then dropped.
    private const int ReceiveBufferSize = 65536;

    // What SRTP adds at most: the GCM tag, or the HMAC tag plus the SRTCP index.
    private const int MaxSrtpOverhead = 32;

    // TCP events (frames, mostly) one drain takes before the loop reads datagrams again, so that TCP peers sending
    // floods of small frames cannot keep the receive thread from the UDP socket.
    private const int MaxTcpEventsPerDrain = 256;

    // Closed connections reported to the log per window: connections that send garbage cost an attacker nothing, so
    // without a bound every one would be a log line. The rest are counted (TcpRejectionsUnreported).
    private const int MaxTcpRejectionReportsPerWindow = 50;
    private static readonly TimeSpan TcpRejectionReportWindow = TimeSpan.FromSeconds(10);

    private static readonly byte[] WakeDatagram = [0xFF];

    private readonly MediaServerOptions _options;
    private readonly DtlsIdentity _identity;
    private readonly IMediaHandler _handler;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly IceCredentialDirectory _directory = new();
    private readonly ConcurrentQueue<ControlOperation> _control = new();
    private readonly MediaCounterSet _counters = new();
    private readonly SocketAddress _wakeAddress;
    private readonly TransportAddress _wakeSource;
    private readonly long _tickTicks;
    private readonly ITimer _wakeTimer;
    private readonly Socket? _tcpListener;
    private readonly ConcurrentQueue<TcpEvent> _tcpEvents = new();

    // Orders the readers' and the accept loop's posts against the final drain: nothing is queued after it.
    private readonly Lock _tcpEventsGate = new();
    private bool _tcpEventsClosed;
    private readonly CancellationTokenSource _tcpAcceptStop = new();
    private readonly long _tcpAuthenticationTicks;
    private readonly long _tcpRejectionWindowTicks;
    private int _tcpWakePending;

    // Receive-thread state.
    private readonly byte[] _receiveBuffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
    private readonly byte[] _sendScratch;
    private readonly byte[] _stunResponse = new byte[256];
    private readonly MediaPeer?[] _batchPeers = new MediaPeer?[BatchedDatagramIo.SendSlots];
    private readonly bool[] _batchRtcp = new bool[BatchedDatagramIo.SendSlots];
    private BatchedDatagramIo? _batch;
    private readonly Dictionary<TransportAddress, MediaPeer> _peersByAddress = [];
    private readonly Dictionary<IceLiteAgent, MediaPeer> _peersByAgent = [];
    private readonly List<MediaPeer> _peers = [];
    private readonly List<TcpConnection> _pendingTcp = [];
    private readonly Dictionary<IPAddress, PendingSource> _pendingBySource = [];
    private readonly List<TcpConnection> _openTcp = [];
    private readonly List<TcpConnection> _tcpToFlush = [];
    private long _lastTick;
    private long _tcpRejectionWindowStart;
    private int _tcpRejectionsReportedInWindow;

    private Thread? _receiveThread;
    private int _receiveThreadId = -1;
    private long _iterations;
    private long _iterationsSeenByTimer = -1;
    private long _nextPeerId;
    private int _peerCount;
    private volatile bool _stopping;
    private int _disposed;

    /// <summary>Binds the socket; call <see cref="Start"/> to begin receiving.</summary>
    /// <param name="options">Addresses, port and limits.</param>
    /// <param name="identity">The DTLS certificate for every peer; its fingerprint goes into every SDP answer.</param>
    /// <param name="handler">Receives the media; called on the receive thread only.</param>
    /// <param name="timeProvider">The clock for consent freshness, ticks and handler timestamps; the system clock by default.</param>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public MediaServer(MediaServerOptions options, DtlsIdentity identity, IMediaHandler handler, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        _options = options;
        _identity = identity;
        _handler = handler;
        _time = timeProvider ?? TimeProvider.System;
        _tickTicks = Math.Max(1, (long)(options.TickInterval.TotalSeconds * _time.TimestampFrequency));
        _sendScratch = new byte[options.MaxDatagramSize + MaxSrtpOverhead];
        _tcpAuthenticationTicks = Math.Max(1, (long)(options.TcpAuthenticationTimeout.TotalSeconds * _time.TimestampFrequency));
        _tcpRejectionWindowTicks = (long)(TcpRejectionReportWindow.TotalSeconds * _time.TimestampFrequency);
        _tcpRejectionWindowStart = _time.GetTimestamp();

        var bindAddress = options.DualStack && options.BindAddress.Equals(IPAddress.Any) ? IPAddress.IPv6Any : options.BindAddress;
        _socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (options.DualStack)
            {
                _socket.DualMode = true;
            }

            _socket.ReceiveBufferSize = options.SocketBufferSize;
            _socket.SendBufferSize = options.SocketBufferSize;
            _socket.Bind(new IPEndPoint(bindAddress, options.Port));
            LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            if (options.TcpPort is { } tcpPort)
            {
                _tcpListener = new Socket(bindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (options.DualStack)
                {
                    _tcpListener.DualMode = true;
                }

                _tcpListener.Bind(new IPEndPoint(bindAddress, tcpPort));
                _tcpListener.Listen(128);
                TcpEndPoint = (IPEndPoint)_tcpListener.LocalEndPoint!;
            }

            LocalCandidates = BuildCandidates(options, LocalEndPoint, TcpEndPoint, _socket);

            var wake = new IPEndPoint(WakeTarget(LocalEndPoint.Address, options.DualStack), LocalEndPoint.Port);
            _wakeAddress = wake.Serialize();
            _wakeSource = TransportAddress.FromEndPoint(wake);
        }
        catch
        {
            _tcpListener?.Dispose();
            _socket.Dispose();
            throw;
        }

        // Wake-ups are about the loop's liveness in real time, so they run on the system clock whatever the time provider.
        _wakeTimer = TimeProvider.System.CreateTimer(static state => ((MediaServer)state!).WakeIfIdle(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The bound address and port (the port the system chose when 0 was configured).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The bound address and port of the ICE-TCP listener; null without one (<see cref="MediaServerOptions.TcpPort"/>).</summary>
    public IPEndPoint? TcpEndPoint { get; }

    /// <summary>The host candidates for the SDP, from <see cref="MediaServerOptions.AdvertisedAddresses"/>.</summary>
    public IReadOnlyList<LocalCandidate> LocalCandidates { get; }

    /// <summary>The SHA-256 fingerprint of the server's DTLS certificate, as every peer's SDP carries it.</summary>
    public string LocalFingerprint => _identity.Sha256Fingerprint;

    /// <summary>Peers added and not yet closed.</summary>
    public int PeerCount => Volatile.Read(ref _peerCount);

    /// <summary>True while the receive thread uses sendmmsg/recvmmsg (<see cref="MediaServerOptions.BatchedIo"/> on Linux).</summary>
    internal bool UsesBatchedIo => Volatile.Read(ref _batch) is not null;

    /// <summary>TCP events (accepted connections, frames, ends) waiting for the receive thread.</summary>
    internal int QueuedTcpEvents => _tcpEvents.Count;

    /// <summary>Server-wide counters: every peer's plus what came from unknown addresses.</summary>
    public MediaCounterSnapshot GetCounters() => _counters.Snapshot();

    /// <summary>Starts the receive thread.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_receiveThread is not null)
        {
            throw new InvalidOperationException("The media server is already running.");
        }

        _lastTick = _time.GetTimestamp();
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "media-receive" };
        _receiveThread.Start();

        // Twice per tick interval, so that an idle loop ticks within 1 to 1.5 intervals.
        _wakeTimer.Change(_options.TickInterval / 2, _options.TickInterval / 2);
        if (_tcpListener is { } listener)
        {
            var stop = _tcpAcceptStop.Token;
            _ = Task.Run(() => AcceptTcpAsync(listener, stop), CancellationToken.None);
        }
    }

    /// <summary>
    /// A new peer with fresh ICE credentials, whose DTLS certificate must have <paramref name="remoteFingerprint"/>.
    /// It can start its ICE checks as soon as this returns. Safe from any thread.
    /// </summary>
    /// <param name="remoteFingerprint">From the peer's SDP, a=fingerprint:sha-256, without the "sha-256 " prefix.</param>
    /// <param name="remoteUfrag">The peer's a=ice-ufrag, or null while its SDP has not arrived (any is then accepted).</param>
    /// <exception cref="ArgumentException">The fingerprint is not 32 hex pairs joined by ':', or the ufrag is not valid.</exception>
    public MediaPeer AddPeer(string remoteFingerprint, string? remoteUfrag)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!IsSha256Fingerprint(remoteFingerprint))
        {
            throw new ArgumentException("Expected a SHA-256 fingerprint: 32 hex pairs joined by ':'.", nameof(remoteFingerprint));
        }

        for (var attempt = 0; ; attempt++)
        {
            var agent = new IceLiteAgent(IceCredentials.Generate(), remoteUfrag, _time);
            var peer = new MediaPeer(this, Interlocked.Increment(ref _nextPeerId), agent, remoteFingerprint, _identity.Sha256Fingerprint, new QueuedDatagramChannel(_socket, _options.DtlsQueueCapacity));
            try
            {
                _directory.Register(agent);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Two 48-bit random ufrags collided; draw again.
                continue;
            }

            Interlocked.Increment(ref _peerCount);
            Post(new ControlOperation(ControlKind.Add, peer));
            return peer;
        }
    }

    /// <summary>
    /// Removes <paramref name="peer"/>: its media stops, its DTLS association is closed with close_notify, and
    /// the handler hears <see cref="PeerCloseReason.Removed"/>. Safe from any thread and more than once.
    /// </summary>
    /// <exception cref="ArgumentException">The peer belongs to another server.</exception>
    public void RemovePeer(MediaPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (!ReferenceEquals(peer.Server, this))
        {
            throw new ArgumentException("The peer belongs to another media server.", nameof(peer));
        }

        Post(new ControlOperation(ControlKind.Remove, peer));
    }

    /// <summary>
    /// Stops the receive thread, closes every peer (<see cref="PeerCloseReason.ServerStopped"/>) and the socket.
    /// A peer added while this runs is closed by the disposing thread once the receive thread has stopped.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _wakeTimer.Dispose();
        _stopping = true;
        _tcpAcceptStop.Cancel();
        _tcpListener?.Dispose();
        var loopEnded = true;
        if (_receiveThread is { } thread)
        {
            Wake();
            if (!thread.Join(TimeSpan.FromSeconds(5)))
            {
                // A handler that never returns: closing the socket is all that is left to do.
                _socket.Dispose();
                loopEnded = thread.Join(TimeSpan.FromSeconds(1));
            }
        }

        if (loopEnded)
        {
            // Whatever was posted after the loop's last drain (or with no loop at all).
            DrainControl();
            CloseAll();
            CloseAllTcp();
        }

        _socket.Dispose();
        _tcpAcceptStop.Dispose();
    }

    internal IceCredentials RestartIce(MediaPeer peer, string? newRemoteUfrag)
    {
        lock (peer.IceGate)
        {
            if (peer.State == MediaPeerState.Closed)
            {
                throw new InvalidOperationException("The peer has closed; add a new one.");
            }

            for (var attempt = 0; ; attempt++)
            {
                var credentials = IceCredentials.Generate();
                try
                {
                    _directory.Restart(peer.Agent, credentials, newRemoteUfrag);
                    return credentials;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Two 48-bit random ufrags collided; draw again.
                }
            }
        }
    }

    /// <summary>The per-packet send path; see <see cref="MediaPeer.SendRtp"/>.</summary>
    internal bool Send(MediaPeer peer, ReadOnlySpan<byte> packet, bool rtcp)
    {
        if (Environment.CurrentManagedThreadId != _receiveThreadId)
        {
            throw new InvalidOperationException("MediaPeer.SendRtp and SendRtcp may only be called on the media server's receive thread, from IMediaHandler callbacks.");
        }

        var srtp = peer.SendSrtp;
        var address = peer.SendAddress;
        if (srtp is not null && peer.TcpPath is { } tcp)
        {
            return SendTcp(peer, srtp, tcp, packet, rtcp);
        }

        if (srtp is null || address is null)
        {
            Count(peer, MediaCounter.SendNotReady);
            return false;
        }

        var batch = _batch;
        if (batch is not null)
        {
            return QueueSend(batch, peer, srtp, address, packet, rtcp);
        }

        var scratch = _sendScratch;
        if (!TryProtect(peer, srtp, packet, rtcp, scratch, out var length))
        {
            return false;
        }

        try
        {
            _socket.SendTo(scratch.AsSpan(0, length), SocketFlags.None, address);
        }
        catch (SocketException)
        {
            Count(peer, MediaCounter.SendFailures);
            return false;
        }

        CountSent(peer, rtcp, length);
        return true;
    }

    /// <summary>Protects into the batch's next slot; <see cref="FlushSends"/> sends and counts it.</summary>
    private bool QueueSend(BatchedDatagramIo batch, MediaPeer peer, SrtpSession srtp, SocketAddress address, ReadOnlySpan<byte> packet, bool rtcp)
    {
        if (batch.QueuedSends == BatchedDatagramIo.SendSlots)
        {
            FlushSends();
        }

        var slot = batch.QueuedSends;
        if (!TryProtect(peer, srtp, packet, rtcp, batch.NextSendBuffer, out var length))
        {
            return false;
        }

        if (!batch.TryQueueSend(address.Buffer.Span[..address.Size], length))
        {
            Count(peer, MediaCounter.SendFailures);
            return false;
        }

        _batchPeers[slot] = peer;
        _batchRtcp[slot] = rtcp;
        return true;
    }

    /// <summary>Frames into the connection's send buffer; <see cref="FlushSends"/> writes it after the burst.</summary>
    private bool SendTcp(MediaPeer peer, SrtpSession srtp, TcpConnection tcp, ReadOnlySpan<byte> packet, bool rtcp)
    {
        if (!TryProtect(peer, srtp, packet, rtcp, _sendScratch, out var length))
        {
            return false;
        }

        if (!tcp.TryQueue(_sendScratch.AsSpan(0, length)))
        {
            Count(peer, MediaCounter.TcpSendDropped);
            return false;
        }

        QueueTcpFlush(tcp);
        CountSent(peer, rtcp, length);
        return true;
    }

    private void QueueTcpFlush(TcpConnection tcp)
    {
        if (!tcp.FlushQueued)
        {
            tcp.FlushQueued = true;
            _tcpToFlush.Add(tcp);
        }
    }

    /// <summary>Non-blocking writes of what the burst framed for TCP; what the kernel does not take waits for the next.</summary>
    private void FlushTcp()
    {
        for (var i = 0; i < _tcpToFlush.Count; i++)
        {
            var tcp = _tcpToFlush[i];
            tcp.FlushQueued = false;
            tcp.Flush();
        }

        _tcpToFlush.Clear();
    }

    /// <summary>Sends the batch (one sendmmsg, more after a partial send) and counts each datagram for its peer.</summary>
    private void FlushSends()
    {
        if (_tcpToFlush.Count > 0)
        {
            FlushTcp();
        }

        var batch = _batch;
        if (batch is null || batch.QueuedSends == 0)
        {
            return;
        }

        batch.SendQueued();
        for (var i = 0; i < batch.QueuedSends; i++)
        {
            var peer = _batchPeers[i]!;
            if (batch.SendError(i) == 0)
            {
                CountSent(peer, _batchRtcp[i], batch.QueuedLength(i));
            }
            else
            {
                Count(peer, MediaCounter.SendFailures);
            }

            _batchPeers[i] = null;
        }

        batch.ClearSends();
    }

    private bool TryProtect(MediaPeer peer, SrtpSession srtp, ReadOnlySpan<byte> packet, bool rtcp, Span<byte> buffer, out int length)
    {
        length = 0;
        if (packet.Length > buffer.Length - MaxSrtpOverhead)
        {
            Count(peer, MediaCounter.SendFailures);
            return false;
        }

        packet.CopyTo(buffer);
        var protectedOk = rtcp
            ? srtp.TryProtectRtcp(buffer, packet.Length, out length)
            : srtp.TryProtectRtp(buffer, packet.Length, out length);
        if (!protectedOk)
        {
            Count(peer, MediaCounter.SendFailures);
            return false;
        }

        return true;
    }

    private void CountSent(MediaPeer peer, bool rtcp, int length)
    {
        Count(peer, rtcp ? MediaCounter.RtcpSent : MediaCounter.RtpSent);
        _counters.Add(MediaCounter.BytesSent, length);
        peer.Counters.Add(MediaCounter.BytesSent, length);
    }

    private static List<LocalCandidate> BuildCandidates(MediaServerOptions options, IPEndPoint bound, IPEndPoint? tcpBound, Socket socket)
    {
        var addresses = options.AdvertisedAddresses.Count > 0
            ? options.AdvertisedAddresses
            : bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? [] : [bound.Address];
        var candidates = new List<LocalCandidate>(addresses.Count * 2);
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            if (address.AddressFamily != socket.AddressFamily && !(socket.DualMode && address.AddressFamily == AddressFamily.InterNetwork))
            {
                throw new ArgumentException($"Advertised address {address} is not reachable through a socket of family {socket.AddressFamily}.", nameof(options));
            }

            if (options.OfferUdp)
            {
                candidates.Add(new LocalCandidate(Foundation(i + 1), LocalCandidate.PriorityFor(i), address, bound.Port));
            }
        }

        // Another protocol, another foundation (RFC 8445 §5.1.1.3): numbered after the UDP ones.
        for (var i = 0; tcpBound is not null && i < addresses.Count; i++)
        {
            candidates.Add(new LocalCandidate(Foundation(addresses.Count + i + 1), LocalCandidate.TcpPriorityFor(i), addresses[i], tcpBound.Port, CandidateProtocol.Tcp));
        }

        return candidates;

        static string Foundation(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IPAddress WakeTarget(IPAddress bound, bool dualStack)
    {
        if (bound.Equals(IPAddress.Any))
        {
            return IPAddress.Loopback;
        }

        if (bound.Equals(IPAddress.IPv6Any))
        {
            return dualStack ? IPAddress.Loopback.MapToIPv6() : IPAddress.IPv6Loopback;
        }

        return bound;
    }

    private static bool IsSha256Fingerprint(string? text)
    {
        if (text is null || text.Length != (32 * 3) - 1)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var valid = i % 3 == 2 ? text[i] == ':' : char.IsAsciiHexDigit(text[i]);
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    private void ReceiveLoop()
    {
        _receiveThreadId = Environment.CurrentManagedThreadId;
        BatchedDatagramIo? batch = null;
        try
        {
            batch = _options.BatchedIo ? BatchedDatagramIo.TryCreate(_socket, _options.MaxDatagramSize, _sendScratch.Length) : null;
            _batch = batch;
            if (batch is null)
            {
                ReceiveEach();
            }
            else
            {
                ReceiveBatches(batch);
            }

            DrainControl();
            CloseAll();
            CloseAllTcp();
        }
        finally
        {
            // What the last handler calls queued goes out before the batch's memory goes.
            FlushSends();
            _batch = null;
            batch?.Dispose();
        }
    }

    /// <summary>The loop without batching: one receive call per datagram, one send call per datagram sent.</summary>
    private void ReceiveEach()
    {
        var buffer = _receiveBuffer;
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException)
            {
                if (_stopping)
                {
                    break;
                }

                _counters.Increment(MediaCounter.ReceiveErrors);
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            // After the receive, so that an operation posted before a datagram was sent is applied before it.
            if (!_control.IsEmpty)
            {
                DrainControl();
            }

            // The flag, not the queue: set with every event, it keeps a server without TCP traffic out of the queue's code.
            if (Volatile.Read(ref _tcpWakePending) != 0)
            {
                DrainTcp();
            }

            HandleSafely(buffer.AsSpan(0, length), length, from);
            if (_tcpToFlush.Count > 0)
            {
                FlushTcp();
            }
        }
    }

    /// <summary>
    /// The batched loop: one recvmmsg takes a burst (blocking for its first datagram), each is handled, and what
    /// the handler sent goes out in one sendmmsg before the loop waits again — so no datagram waits behind more
    /// than the burst it was sent in, and a full batch (64) goes out at once.
    /// </summary>
    private void ReceiveBatches(BatchedDatagramIo batch)
    {
        var from = new SocketAddress(_socket.AddressFamily);
        var fromBuffer = from.Buffer.Span;
        var pollMilliseconds = Math.Max(1, (int)_options.TickInterval.TotalMilliseconds);
        while (!_stopping)
        {
            FlushSends();
            var count = batch.Receive(pollMilliseconds, out var error);
            if (count < 0)
            {
                if (_stopping || error == BatchedDatagramIo.SocketClosedError)
                {
                    break;
                }

                _counters.Increment(MediaCounter.ReceiveErrors);
                continue;
            }

            // After the receive, so that an operation posted before a datagram was sent is applied before it.
            if (count > 0 && !_control.IsEmpty)
            {
                DrainControl();
            }

            // The flag, not the queue: set with every event, it keeps a server without TCP traffic out of the queue's code.
            if (Volatile.Read(ref _tcpWakePending) != 0)
            {
                DrainTcp();
            }

            for (var i = 0; i < count && !_stopping; i++)
            {
                var address = batch.ReceivedAddress(i);
                if (address.Length > fromBuffer.Length)
                {
                    _counters.Increment(MediaCounter.DroppedUnknownAddress);
                    continue;
                }

                address.CopyTo(fromBuffer);
                from.Size = address.Length;
                HandleSafely(batch.ReceivedData(i), batch.ReceivedLength(i), from);
            }
        }
    }

    /// <summary>One datagram and, when it is time, a tick; an exception costs that datagram, not the loop.</summary>
    private void HandleSafely(Span<byte> datagram, int length, SocketAddress from)
    {
        var now = _time.GetTimestamp();
        try
        {
            HandleDatagram(datagram, length, from, now);
            if (now - _lastTick >= _tickTicks)
            {
                _lastTick = now;
                Tick(now);
                FlushSends();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _counters.Increment(MediaCounter.UnexpectedErrors);
            ReportUnexpected(ex);
        }
    }

    /// <param name="datagram">The datagram's bytes; shorter than <paramref name="length"/> only when it is too long to handle.</param>
    /// <param name="length">The datagram's length as it arrived.</param>
    /// <param name="from">Where it came from, as the socket reported it.</param>
    /// <param name="now">The receive thread's timestamp for it.</param>
    private void HandleDatagram(Span<byte> datagram, int length, SocketAddress from, long now)
    {
        if (!TransportAddress.TryFromSocketAddress(from, out var address))
        {
            _counters.Increment(MediaCounter.DroppedUnknownAddress);
            return;
        }

        if (address == _wakeSource)
        {
            return;
        }

        // Only real datagrams count as activity: the timer keeps waking an otherwise idle loop.
        Volatile.Write(ref _iterations, _iterations + 1);

        _peersByAddress.TryGetValue(address, out var peer);
        Count(peer, MediaCounter.DatagramsReceived);
        _counters.Add(MediaCounter.BytesReceived, length);
        peer?.Counters.Add(MediaCounter.BytesReceived, length);

        if (length > _options.MaxDatagramSize || length > datagram.Length)
        {
            Count(peer, MediaCounter.DroppedOversized);
            return;
        }

        datagram = datagram[..length];

        var kind = PacketDemultiplexer.Classify(datagram);
        if (kind == PacketKind.Stun)
        {
            HandleStun(datagram, from, address, peer, now);
            return;
        }

        if (peer is null)
        {
            _counters.Increment(MediaCounter.DroppedUnknownAddress);
            return;
        }

        HandlePacket(peer, kind, datagram, now);
    }

    /// <summary>RFC 7983 dispatch of a non-STUN packet from a known peer, whichever path it came over.</summary>
    private void HandlePacket(MediaPeer peer, PacketKind kind, Span<byte> datagram, long now)
    {
        switch (kind)
        {
            case PacketKind.Rtp:
                HandleRtp(peer, datagram, now);
                break;
            case PacketKind.Rtcp:
                HandleRtcp(peer, datagram, now);
                break;
            case PacketKind.Dtls:
                HandleDtls(peer, datagram);
                break;
            default:
                Count(peer, MediaCounter.DroppedUnknownKind);
                break;
        }
    }

    private void HandleRtp(MediaPeer peer, Span<byte> datagram, long now)
    {
        var srtp = peer.ReceiveSrtp;
        if (srtp is null)
        {
            Count(peer, MediaCounter.DroppedNotReady);
            return;
        }

        var result = srtp.UnprotectRtp(datagram, out var length);
        if (result != SrtpResult.Ok)
        {
            CountSrtpFailure(peer, result);
            return;
        }

        Count(peer, MediaCounter.RtpReceived);
        _handler.OnRtp(peer, datagram[..length], now);
    }

    private void HandleRtcp(MediaPeer peer, Span<byte> datagram, long now)
    {
        var srtp = peer.ReceiveSrtp;
        if (srtp is null)
        {
            Count(peer, MediaCounter.DroppedNotReady);
            return;
        }

        var result = srtp.UnprotectRtcp(datagram, out var length);
        if (result != SrtpResult.Ok)
        {
            CountSrtpFailure(peer, result);
            return;
        }

        Count(peer, MediaCounter.RtcpReceived);
        _handler.OnRtcp(peer, datagram[..length], now);
    }

    private void CountSrtpFailure(MediaPeer peer, SrtpResult result)
    {
        var counter = result switch
        {
            SrtpResult.AuthenticationFailed => MediaCounter.SrtpAuthenticationFailures,
            SrtpResult.ReplayedPacket or SrtpResult.TooOld => MediaCounter.SrtpReplays,
            SrtpResult.StreamLimitReached => MediaCounter.SrtpStreamLimitReached,
            SrtpResult.Malformed => MediaCounter.SrtpMalformed,
            SrtpResult.Ok => throw new ArgumentOutOfRangeException(nameof(result), result, "Not a failure."),
            _ => MediaCounter.SrtpMalformed,
        };
        Count(peer, counter);
    }

    private void HandleStun(ReadOnlySpan<byte> datagram, SocketAddress from, in TransportAddress address, MediaPeer? peerAtAddress, long now)
    {
        var result = CheckStun(datagram, address, peerAtAddress, now, out var peer, out var responseLength);
        if (peer is not null && IsSuccess(result))
        {
            // Map before answering: the peer's ClientHello follows the response it gets.
            MapAddress(peer, address);
            UpdateSendPath(peer, address, via: null);
        }

        if (responseLength > 0)
        {
            try
            {
                _socket.SendTo(_stunResponse.AsSpan(0, responseLength), SocketFlags.None, from);
            }
            catch (SocketException)
            {
                Count(peer ?? peerAtAddress, MediaCounter.SendFailures);
            }
        }
    }

    private static bool IsSuccess(IceCheckResult result) => result is IceCheckResult.Responded or IceCheckResult.Nominated;

    /// <summary>Answers a check into <see cref="_stunResponse"/> and counts it; the caller maps the path and sends.</summary>
    private IceCheckResult CheckStun(ReadOnlySpan<byte> datagram, in TransportAddress address, MediaPeer? peerAtAddress, long now, out MediaPeer? peer, out int responseLength)
    {
        var result = _directory.HandleBindingRequest(datagram, address, now, _stunResponse, out responseLength, out var agent);
        peer = null;
        if (agent is not null)
        {
            _peersByAgent.TryGetValue(agent, out peer);
        }

        var counted = peer ?? peerAtAddress;
        Count(counted, MediaCounter.StunReceived);
        switch (result)
        {
            case IceCheckResult.Responded:
            case IceCheckResult.Nominated:
                Count(counted, MediaCounter.StunSuccessResponses);
                break;
            case IceCheckResult.BadRequest:
            case IceCheckResult.Unauthorized:
            case IceCheckResult.UnknownAttribute:
            case IceCheckResult.RoleConflict:
                Count(counted, MediaCounter.StunErrorResponses);
                break;
            case IceCheckResult.Dropped:
            case IceCheckResult.Ignored:
            case IceCheckResult.ResponseBufferTooSmall:
                Count(counted, MediaCounter.StunDropped);
                break;
        }

        return result;
    }

    private void HandleDtls(MediaPeer peer, ReadOnlySpan<byte> datagram)
    {
        if (peer.State == MediaPeerState.Closed || !peer.Dtls.TryPost(datagram))
        {
            Count(peer, MediaCounter.DtlsDropped);
            return;
        }

        Count(peer, MediaCounter.DtlsReceived);
        if (peer.DtlsWorker is null)
        {
            // The first ClientHello starts the handshake clock, not AddPeer: SDP round trips take their time.
            peer.SetState(MediaPeerState.Connecting);
            var token = peer.Lifetime.Token;
            peer.DtlsWorker = Task.Factory.StartNew(() => RunDtls(peer, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    /// <summary>A peer's DTLS worker: handshake, SRTP sessions to the receive thread, then serve until the end.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A worker's failure must close its peer, not vanish in an unobserved task.")]
    private void RunDtls(MediaPeer peer, CancellationToken token)
    {
        // A thread of its own (long-running): the handshake's public-key work yields to the media thread.
        BackgroundPriority.LowerCurrentThread();
        DtlsSession? session = null;
        try
        {
            session = DtlsSrtpServer.Accept(_identity, peer.Dtls, peer.RemoteFingerprint, _options.SrtpProfiles, _options.Dtls, token);
            var (send, receive, profile) = SrtpContexts.FromDtls(session.Srtp, isServer: true);
            Post(new ControlOperation(ControlKind.SrtpReady, peer) { Send = send, Receive = receive, Profile = profile });

            var end = session.Serve(token);
            if (end is DtlsSessionEnd.ClosedByPeer or DtlsSessionEnd.Failed)
            {
                Post(new ControlOperation(ControlKind.DtlsEnded, peer) { Reason = end == DtlsSessionEnd.ClosedByPeer ? PeerCloseReason.ClosedByPeer : PeerCloseReason.DtlsFailed });
            }
        }
        catch (DtlsHandshakeException ex)
        {
            Post(new ControlOperation(ControlKind.DtlsFailed, peer) { Failure = ex.Reason });
        }
        catch (OperationCanceledException)
        {
            // The peer was closed during the handshake.
        }
        catch (Exception ex)
        {
            ReportUnexpected(ex);
            Post(new ControlOperation(ControlKind.DtlsFailed, peer) { Failure = DtlsHandshakeFailure.ProtocolError });
        }
        finally
        {
            // close_notify first, then the channel: a closed channel would make Close skip the alert.
            session?.Close();
            peer.Dtls.Complete();
        }
    }

    private void MapAddress(MediaPeer peer, in TransportAddress address)
    {
        if (peer.State == MediaPeerState.Closed)
        {
            return;
        }

        if (_peersByAddress.TryGetValue(address, out var owner))
        {
            if (ReferenceEquals(owner, peer))
            {
                return;
            }

            // A valid check with this peer's password from an address another peer used: the address moved.
            owner.Addresses.Remove(address);
        }

        if (peer.Addresses.Count >= _options.MaxAddressesPerPeer)
        {
            var evict = 0;
            if (peer.Addresses[0] == peer.SendTransportAddress && peer.Addresses.Count > 1)
            {
                evict = 1;
            }

            _peersByAddress.Remove(peer.Addresses[evict]);
            peer.Addresses.RemoveAt(evict);
        }

        peer.Addresses.Add(address);
        _peersByAddress[address] = peer;
    }

    /// <summary>
    /// After a valid check over <paramref name="via"/> (null: UDP) from <paramref name="checkedAddress"/>: when ICE now
    /// selects that pair, media and DTLS go over that path. A check on another pair than the selected one changes nothing.
    /// </summary>
    private static void UpdateSendPath(MediaPeer peer, in TransportAddress checkedAddress, TcpConnection? via)
    {
        if (!peer.Agent.TryGetRemoteAddress(out var selected) || selected != checkedAddress)
        {
            return;
        }

        if (via is not null)
        {
            if (!ReferenceEquals(peer.TcpPath, via))
            {
                peer.TcpPath = via;
                peer.SendAddress = null;
                peer.SendTransportAddress = selected;
                peer.Dtls.Path = via;
                peer.Dtls.Destination = null;
            }

            return;
        }

        if (peer.TcpPath is null && peer.SendAddress is not null && selected == peer.SendTransportAddress)
        {
            return;
        }

        // Only when the selected pair changes: allocation here is once per nomination, not per packet.
        peer.TcpPath = null;
        peer.Dtls.Path = null;
        peer.SendTransportAddress = selected;
        peer.SendAddress = QueuedDatagramChannel.AddressOf(selected.ToEndPoint());
        peer.Dtls.Destination = peer.SendAddress;
    }

    private void Tick(long now)
    {
        for (var i = _peers.Count - 1; i >= 0; i--)
        {
            var peer = _peers[i];
            if (!peer.Agent.IsAlive(now))
            {
                _counters.Increment(MediaCounter.ConsentExpirations);
                peer.Counters.Increment(MediaCounter.ConsentExpirations);
                ClosePeer(peer, PeerCloseReason.ConsentExpired);
            }
        }

        if (_openTcp.Count > 0 || _pendingTcp.Count > 0)
        {
            TickTcp(now);
        }

        _handler.OnTick(now);
    }

    /// <summary>A reader's complete frame, in a buffer from the shared pool that the receive thread returns.</summary>
    internal void PostTcpFrame(TcpConnection connection, byte[] frame, int length) =>
        PostTcp(new TcpEvent(connection, TcpEventKind.Frame, frame, length, default));

    /// <summary>A reader's end: the browser closed, or the framing was broken.</summary>
    internal void PostTcpEnded(TcpConnection connection, TcpConnectionEnd end) =>
        PostTcp(new TcpEvent(connection, TcpEventKind.Ended, null, 0, end));

    private void PostTcp(in TcpEvent tcpEvent)
    {
        bool queued;
        lock (_tcpEventsGate)
        {
            queued = !_tcpEventsClosed;
            if (queued)
            {
                _tcpEvents.Enqueue(tcpEvent);
            }
        }

        if (!queued)
        {
            // After the last drain (the server stopped): nobody will handle it, so close it and give its frame back here.
            Discard(tcpEvent);
            return;
        }

        // One wake-up per burst of frames: the receive thread clears the flag before it drains the queue.
        if (Interlocked.Exchange(ref _tcpWakePending, 1) == 0)
        {
            Wake();
        }
    }

    /// <summary>Accepts ICE-TCP connections; the receive thread decides whether each may stay.</summary>
    private async Task AcceptTcpAsync(Socket listener, CancellationToken stop)
    {
        while (!_stopping)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors, or a connection reset before it was accepted: do not spin on it.
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            try
            {
                socket.NoDelay = true;
                PostTcp(new TcpEvent(new TcpConnection(socket, _options.MaxDatagramSize, _options.TcpSendBufferSize, _time.GetTimestamp()), TcpEventKind.Accepted, null, 0, default));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Gone before it could be looked at.
                socket.Dispose();
            }
        }
    }

    private void DrainTcp()
    {
        Interlocked.Exchange(ref _tcpWakePending, 0);
        var now = _time.GetTimestamp();
        for (var taken = 0; ; taken++)
        {
            if (taken == MaxTcpEventsPerDrain)
            {
                // The rest after the next datagrams; the wake-up makes sure there is a next round without any.
                if (!_tcpEvents.IsEmpty && Interlocked.Exchange(ref _tcpWakePending, 1) == 0)
                {
                    Wake();
                }

                return;
            }

            if (!_tcpEvents.TryDequeue(out var tcpEvent))
            {
                return;
            }

            try
            {
                HandleTcpEvent(tcpEvent, now);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _counters.Increment(MediaCounter.UnexpectedErrors);
                ReportUnexpected(ex);
            }
            finally
            {
                ReturnFrame(tcpEvent);
            }
        }
    }

    /// <summary>Gives a frame event's buffer back to the pool and its reader the credit for another frame.</summary>
    private static void ReturnFrame(in TcpEvent tcpEvent)
    {
        if (tcpEvent.Frame is { } frame)
        {
            ArrayPool<byte>.Shared.Return(frame);
            tcpEvent.Connection.FrameHandled();
        }
    }

    /// <summary>An event nobody will handle: the connection closes, the frame goes back.</summary>
    private static void Discard(in TcpEvent tcpEvent)
    {
        tcpEvent.Connection.Close();
        ReturnFrame(tcpEvent);
    }

    private void HandleTcpEvent(in TcpEvent tcpEvent, long now)
    {
        var connection = tcpEvent.Connection;
        switch (tcpEvent.Kind)
        {
            case TcpEventKind.Accepted:
                if (_stopping)
                {
                    connection.Close();
                }
                else if (_pendingTcp.Count >= _options.MaxPendingTcpConnections)
                {
                    RejectTcp(connection, TcpRejectionReason.TooManyPending, MediaCounter.TcpConnectionsRefused);
                }
                else if (!TryAddPending(connection))
                {
                    RefuseFromSource(connection);
                }
                else
                {
                    _counters.Increment(MediaCounter.TcpConnectionsAccepted);
                    connection.StartReading(this);
                }

                break;
            case TcpEventKind.Frame:
                if (!connection.IsClosed)
                {
                    HandleTcpFrame(connection, tcpEvent.Frame.AsSpan(0, tcpEvent.Length), now);
                }

                break;
            case TcpEventKind.Ended:
                if (connection.IsClosed)
                {
                    break;
                }

                if (tcpEvent.End == TcpConnectionEnd.FramingError)
                {
                    Count(connection.Peer, MediaCounter.TcpFramingErrors);
                    RejectTcp(connection, TcpRejectionReason.FramingError, null);
                }
                else
                {
                    CloseTcp(connection);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tcpEvent), tcpEvent.Kind, "Unknown TCP event.");
        }
    }

    /// <summary>
    /// A frame from a TCP connection: the first must be a valid check, which binds the connection to its peer; after
    /// that frames are handled as datagrams from the peer are (RFC 7983), and checks can select the connection.
    /// </summary>
    private void HandleTcpFrame(TcpConnection connection, Span<byte> frame, long now)
    {
        Volatile.Write(ref _iterations, _iterations + 1);
        var peer = connection.Peer;
        Count(peer, MediaCounter.DatagramsReceived);
        _counters.Add(MediaCounter.BytesReceived, frame.Length);
        peer?.Counters.Add(MediaCounter.BytesReceived, frame.Length);

        var kind = PacketDemultiplexer.Classify(frame);
        if (kind != PacketKind.Stun)
        {
            if (peer is null)
            {
                RejectTcp(connection, TcpRejectionReason.NotAValidCheck, MediaCounter.TcpConnectionsRejected);
            }
            else
            {
                HandlePacket(peer, kind, frame, now);
            }

            return;
        }

        // Refused before the check reaches the agent: a check that is not let in must not nominate its pair.
        var named = PeerNamedBy(frame);
        if (peer is null && named is not null && named.TcpConnections.Count >= _options.MaxTcpConnectionsPerPeer)
        {
            Count(named, MediaCounter.TcpConnectionsRefused);
            RejectTcp(connection, TcpRejectionReason.TooManyForPeer, null);
            return;
        }

        if (peer is not null && named is not null && !ReferenceEquals(named, peer))
        {
            // Another peer's ufrag on this peer's connection: a connection belongs to one peer, and must not move another's pair.
            Count(peer, MediaCounter.StunDropped);
            return;
        }

        var result = CheckStun(frame, connection.Remote, peer, now, out var checkedPeer, out var responseLength);
        if (peer is null)
        {
            if (!IsSuccess(result) || checkedPeer is null || checkedPeer.State == MediaPeerState.Closed)
            {
                RejectTcp(connection, TcpRejectionReason.NotAValidCheck, MediaCounter.TcpConnectionsRejected);
                return;
            }

            RemovePending(connection);
            _openTcp.Add(connection);
            checkedPeer.TcpConnections.Add(connection);
            connection.Authenticate(checkedPeer);
            Count(checkedPeer, MediaCounter.TcpConnectionsAuthenticated);
            peer = checkedPeer;
        }

        if (IsSuccess(result))
        {
            UpdateSendPath(peer, connection.Remote, connection);
        }

        if (responseLength > 0 && connection.TryQueue(_stunResponse.AsSpan(0, responseLength)))
        {
            QueueTcpFlush(connection);
        }
    }

    /// <summary>The peer whose ufrag a check's USERNAME names, before anything is verified: only to refuse early.</summary>
    private MediaPeer? PeerNamedBy(ReadOnlySpan<byte> frame)
    {
        if (StunMessage.Parse(frame, out var message) != StunParseResult.Ok || !message.HasUsername)
        {
            return null;
        }

        var username = message.Username;
        var colon = username.IndexOf((byte)':');
        return colon > 0 && _directory.TryFind(username[..colon], out var agent) ? _peersByAgent.GetValueOrDefault(agent) : null;
    }

    /// <summary>Closes a connection that has not earned its place, counts it (unless counted already) and tells the log.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing log sink must not take the media plane down with it.")]
    private void RejectTcp(TcpConnection connection, TcpRejectionReason reason, MediaCounter? counter)
    {
        if (counter is { } counted)
        {
            _counters.Increment(counted);
        }

        // Reported before the close, so that whoever sees the connection closed can read the report.
        if (_options.TcpConnectionRejected is not null && TryTakeRejectionReport())
        {
            try
            {
                _options.TcpConnectionRejected(new TcpConnectionRejection(connection.RemoteEndPoint, reason));
            }
            catch (Exception ex)
            {
                ReportUnexpected(ex);
            }
        }

        CloseTcp(connection);
    }

    /// <summary>Whether this window has a report left for the log; counts the closes that do not get one.</summary>
    private bool TryTakeRejectionReport()
    {
        var now = _time.GetTimestamp();
        if (now - _tcpRejectionWindowStart >= _tcpRejectionWindowTicks)
        {
            _tcpRejectionWindowStart = now;
            _tcpRejectionsReportedInWindow = 0;
        }

        if (_tcpRejectionsReportedInWindow >= MaxTcpRejectionReportsPerWindow)
        {
            _counters.Increment(MediaCounter.TcpRejectionsUnreported);
            return false;
        }

        _tcpRejectionsReportedInWindow++;
        return true;
    }

    /// <summary>
    /// Closes a connection. When it was its peer's selected path, the peer has no path until ICE selects another; consent
    /// then runs out unless it does (RFC 7675), as when a UDP path dies.
    /// </summary>
    private void CloseTcp(TcpConnection connection)
    {
        connection.Close();
        RemovePending(connection);
        _openTcp.Remove(connection);
        if (connection.Peer is { } peer)
        {
            peer.TcpConnections.Remove(connection);
            if (ReferenceEquals(peer.TcpPath, connection))
            {
                peer.TcpPath = null;
                peer.Dtls.Path = null;
            }
        }
    }

    /// <summary>
    /// When the loop has stopped: pending connections, what is left open (the peers' are closed with them), and what
    /// was queued; what the accept loop or a reader posts after this is closed by them (<see cref="PostTcp"/>).
    /// </summary>
    private void CloseAllTcp()
    {
        lock (_tcpEventsGate)
        {
            _tcpEventsClosed = true;
        }

        while (_tcpEvents.TryDequeue(out var tcpEvent))
        {
            Discard(tcpEvent);
        }

        foreach (var connection in _pendingTcp)
        {
            connection.Close();
        }

        foreach (var connection in _openTcp)
        {
            connection.Close();
        }

        _pendingTcp.Clear();
        _pendingBySource.Clear();
        _tcpToFlush.Clear();
        _openTcp.Clear();
    }

    /// <summary>Counts a new pending connection against its source; false when the source has its limit.</summary>
    private bool TryAddPending(TcpConnection connection)
    {
        ref var source = ref CollectionsMarshal.GetValueRefOrAddDefault(_pendingBySource, connection.Source, out _);
        if (source.Pending >= _options.MaxPendingTcpConnectionsPerSource)
        {
            return false;
        }

        source.Pending++;
        _pendingTcp.Add(connection);
        return true;
    }

    private void RemovePending(TcpConnection connection)
    {
        if (!_pendingTcp.Remove(connection))
        {
            return;
        }

        ref var source = ref CollectionsMarshal.GetValueRefOrNullRef(_pendingBySource, connection.Source);
        if (!Unsafe.IsNullRef(ref source) && --source.Pending <= 0)
        {
            // Below its limit again: a next refusal is news for the log.
            _pendingBySource.Remove(connection.Source);
        }
    }

    /// <summary>Refuses a connection whose source has its pending limit; counts each, tells the log the first while at the limit.</summary>
    private void RefuseFromSource(TcpConnection connection)
    {
        _counters.Increment(MediaCounter.TcpConnectionsRefused);
        _counters.Increment(MediaCounter.TcpConnectionsRefusedFromSource);
        ref var source = ref CollectionsMarshal.GetValueRefOrNullRef(_pendingBySource, connection.Source);
        if (source.RefusalReported)
        {
            CloseTcp(connection);
            return;
        }

        source.RefusalReported = true;
        RejectTcp(connection, TcpRejectionReason.TooManyPendingFromSource, null);
    }

    /// <summary>Flushes what a full kernel buffer kept back, and closes connections that did not authenticate in time.</summary>
    private void TickTcp(long now)
    {
        for (var i = 0; i < _openTcp.Count; i++)
        {
            if (_openTcp[i].HasUnsentBytes)
            {
                _openTcp[i].Flush();
            }
        }

        for (var i = _pendingTcp.Count - 1; i >= 0; i--)
        {
            if (now - _pendingTcp[i].AcceptedAt >= _tcpAuthenticationTicks)
            {
                RejectTcp(_pendingTcp[i], TcpRejectionReason.AuthenticationTimeout, MediaCounter.TcpAuthenticationTimeouts);
            }
        }
    }

    private void Post(ControlOperation operation)
    {
        _control.Enqueue(operation);
        Wake();
    }

    private void Wake()
    {
        try
        {
            _socket.SendTo(WakeDatagram, SocketFlags.None, _wakeAddress);
        }
        catch (SocketException)
        {
            // The timer wakes the loop again within a tick.
        }
        catch (ObjectDisposedException)
        {
            // Disposed: nothing left to wake.
        }
    }

    private void WakeIfIdle()
    {
        var iterations = Volatile.Read(ref _iterations);
        if (iterations == Interlocked.Exchange(ref _iterationsSeenByTimer, iterations))
        {
            Wake();
        }
    }

    private void DrainControl()
    {
        while (_control.TryDequeue(out var operation))
        {
            try
            {
                Apply(operation);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _counters.Increment(MediaCounter.UnexpectedErrors);
                ReportUnexpected(ex);
            }
        }
    }

    private void Apply(ControlOperation operation)
    {
        var peer = operation.Peer;
        switch (operation.Kind)
        {
            case ControlKind.Add:
                if (_stopping || Volatile.Read(ref _disposed) != 0)
                {
                    ClosePeer(peer, PeerCloseReason.ServerStopped);
                    break;
                }

                _peers.Add(peer);
                _peersByAgent.Add(peer.Agent, peer);
                break;
            case ControlKind.Remove:
                ClosePeer(peer, PeerCloseReason.Removed);
                break;
            case ControlKind.SrtpReady:
                if (peer.State == MediaPeerState.Closed)
                {
                    operation.Send!.Dispose();
                    operation.Receive!.Dispose();
                    break;
                }

                peer.SendSrtp = operation.Send;
                peer.ReceiveSrtp = operation.Receive;
                peer.SetProfile(operation.Profile);
                peer.SetState(MediaPeerState.Connected);
                Count(peer, MediaCounter.DtlsHandshakesSucceeded);
                _handler.OnPeerConnected(peer);
                break;
            case ControlKind.DtlsFailed:
                if (peer.State != MediaPeerState.Closed)
                {
                    Count(peer, MediaCounter.DtlsHandshakesFailed);
                    peer.SetDtlsFailure(operation.Failure);
                    ClosePeer(peer, PeerCloseReason.DtlsFailed);
                }

                break;
            case ControlKind.DtlsEnded:
                ClosePeer(peer, operation.Reason);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown control operation.");
        }
    }

    private void ClosePeer(MediaPeer peer, PeerCloseReason reason)
    {
        if (peer.State == MediaPeerState.Closed)
        {
            return;
        }

        lock (peer.IceGate)
        {
            peer.SetState(MediaPeerState.Closed);
            _directory.Unregister(peer.Agent);
        }

        Interlocked.Decrement(ref _peerCount);
        _peers.Remove(peer);
        _peersByAgent.Remove(peer.Agent);
        foreach (var address in peer.Addresses)
        {
            if (_peersByAddress.TryGetValue(address, out var owner) && ReferenceEquals(owner, peer))
            {
                _peersByAddress.Remove(address);
            }
        }

        peer.Addresses.Clear();
        foreach (var tcp in peer.TcpConnections)
        {
            tcp.Close();
            _openTcp.Remove(tcp);
        }

        peer.TcpConnections.Clear();
        peer.TcpPath = null;

        // The worker sends close_notify and completes the channel on its way out; without one, nothing waits on it.
        peer.Lifetime.Cancel();
        peer.Lifetime.Dispose();
        if (peer.DtlsWorker is null)
        {
            peer.Dtls.Complete();
        }

        peer.SendSrtp?.Dispose();
        peer.ReceiveSrtp?.Dispose();
        peer.SendSrtp = null;
        peer.ReceiveSrtp = null;

        try
        {
            _handler.OnPeerDisconnected(peer, reason);
        }
        finally
        {
            peer.CompleteClosed(reason);
        }
    }

    private void CloseAll()
    {
        for (var i = _peers.Count - 1; i >= 0; i--)
        {
            try
            {
                ClosePeer(_peers[i], PeerCloseReason.ServerStopped);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ReportUnexpected(ex);
            }
        }
    }

    private void Count(MediaPeer? peer, MediaCounter counter)
    {
        _counters.Increment(counter);
        peer?.Counters.Increment(counter);
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing error sink must not take the media plane down with it.")]
    private void ReportUnexpected(Exception ex)
    {
        try
        {
            _options.UnexpectedError?.Invoke(ex);
        }
        catch (Exception)
        {
            // Nowhere further to report to.
        }
    }

    /// <summary>A source's pending connections, and whether its being at the limit has been reported.</summary>
    private struct PendingSource
    {
        public int Pending;
        public bool RefusalReported;
    }

    private enum TcpEventKind
    {
        Accepted,
        Frame,
        Ended,
    }

    /// <summary>What a TCP connection's reader or the accept loop hands the receive thread; a value, not allocated per frame.</summary>
    private readonly record struct TcpEvent(TcpConnection Connection, TcpEventKind Kind, byte[]? Frame, int Length, TcpConnectionEnd End);

    private enum ControlKind
    {
        Add,
        Remove,
        SrtpReady,
        DtlsFailed,
        DtlsEnded,
    }

    /// <summary>Work for the receive thread from another thread; allocated per operation, never per packet.</summary>
    private sealed class ControlOperation(ControlKind kind, MediaPeer peer)
    {
        public ControlKind Kind { get; } = kind;

        public MediaPeer Peer { get; } = peer;

        public SrtpSession? Send { get; init; }

        public SrtpSession? Receive { get; init; }

        public SrtpProfile Profile { get; init; }

        public DtlsHandshakeFailure Failure { get; init; }

        public PeerCloseReason Reason { get; init; }
    }
}
