using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;
using Appliance.Media.Demux;
using Appliance.Media.Ice;
using Appliance.Media.Stun;
using Appliance.Media.Transport;

namespace Appliance.Media.Client;

/// <summary>A decrypted RTP packet or RTCP compound packet; the span is valid only during the call.</summary>
public delegate void ReceivedMediaHandler(ReadOnlySpan<byte> packet);

/// <summary>
/// The client side of a WebRTC media connection, as a browser makes it, for tests and the load generator: its
/// own UDP socket (or a TCP connection to the server's passive candidate, RFC 6544 with RFC 4571 framing, when
/// <see cref="WebRtcClientOptions.UseTcp"/>), ICE as the controlling agent against one server candidate (Binding requests with
/// USE-CANDIDATE, ICE-CONTROLLING, MESSAGE-INTEGRITY and FINGERPRINT), DTLS as client
/// (<see cref="DtlsSrtpClient"/>), then SRTP both ways.
/// </summary>
/// <remarks>
/// <para>A receive thread per endpoint reads the socket, answers the server's authenticated Binding requests (a full
/// ICE agent's checks), and hands decrypted media to
/// <see cref="RtpReceived"/> and <see cref="RtcpReceived"/> on that thread (set them before connecting).
/// <see cref="SendRtp"/>, <see cref="SendRtcp"/> and <see cref="SendDatagram"/> may be called from any thread;
/// sends are serialised by a lock because an SRTP session is single-threaded.</para>
/// <para>Not a hardened endpoint: it trusts the server it was pointed at for everything but DTLS and SRTP.</para>
/// </remarks>
public sealed class WebRtcClientEndpoint : IDisposable, IPacketPath
{
    private const int ReceiveBufferSize = 65536;
    private const int MaxSrtpOverhead = 32;

    // Host candidate priority (RFC 8445 §5.1.2.1): type preference 126, local preference 65535, component 1.
    private const uint HostPriority = (126u << 24) | (65535u << 8) | 255u;

    private readonly WebRtcClientOptions _options;
    private readonly Socket _socket;
    private readonly DtlsIdentity _identity;
    private readonly bool _ownsIdentity;
    private readonly QueuedDatagramChannel _dtls;
    private readonly Thread _receiveThread;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _sendGate = new();
    private readonly Lock _tcpWriteGate = new();
    private readonly byte[]? _tcpFrame;
    private readonly byte[] _sendScratch = new byte[ReceiveBufferSize + MaxSrtpOverhead];
    private readonly byte[] _tieBreaker = RandomNumberGenerator.GetBytes(8);
    private readonly Lock _checksGate = new();
    private readonly List<PendingCheck> _pendingChecks = [];
    private readonly byte[] _localUfrag;
    private readonly byte[] _localPassword;
    private readonly TaskCompletionSource<DtlsSessionEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TransportAddress _server;
    private SocketAddress? _serverAddress;
    private volatile bool _hasServer;
    private byte[] _username = [];
    private byte[] _serverPassword = [];
    private volatile SrtpSession? _sendSrtp;
    private volatile SrtpSession? _receiveSrtp;
    private volatile DtlsSession? _session;
    private ITimer? _consentTimer;
    private int _connectStarted;
    private int _profile;
    private int _lastStunErrorCode;
    private long _rtpReceived;
    private long _rtcpReceived;
    private long _srtpFailures;
    private long _callbackErrors;
    private volatile bool _disposed;

    /// <summary>Binds a socket on <see cref="WebRtcClientOptions.LocalAddress"/> and starts receiving.</summary>
    public WebRtcClientEndpoint(WebRtcClientOptions? options = null)
    {
        _options = options ?? new WebRtcClientOptions();
        _ownsIdentity = _options.Identity is null;
        _identity = _options.Identity ?? DtlsIdentity.Create(TimeProvider.System);
        LocalIceCredentials = IceCredentials.Generate();
        _localUfrag = Encoding.ASCII.GetBytes(LocalIceCredentials.Ufrag);
        _localPassword = Encoding.ASCII.GetBytes(LocalIceCredentials.Password);
        _socket = _options.UseTcp
            ? new Socket(_options.LocalAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(_options.LocalAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = _options.SocketBufferSize;
            _socket.SendBufferSize = _options.SocketBufferSize;
            _socket.Bind(new IPEndPoint(_options.LocalAddress, 0));
            LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        }
        catch
        {
            _socket.Dispose();
            if (_ownsIdentity)
            {
                _identity.Dispose();
            }

            throw;
        }

        _dtls = new QueuedDatagramChannel(_socket, 64);
        if (_options.UseTcp)
        {
            // Reads start once connected; DTLS goes through the framing like every other packet.
            _tcpFrame = new byte[Rfc4571Framer.HeaderSize + ushort.MaxValue];
            _dtls.Path = this;
            _receiveThread = new Thread(ReceiveFramesLoop) { IsBackground = true, Name = "webrtc-client-receive" };
        }
        else
        {
            _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "webrtc-client-receive" };
            _receiveThread.Start();
        }
    }

    /// <summary>Media arriving from the server, decrypted; called on the endpoint's receive thread.</summary>
    public ReceivedMediaHandler? RtpReceived { get; set; }

    /// <summary>RTCP arriving from the server, decrypted; called on the endpoint's receive thread.</summary>
    public ReceivedMediaHandler? RtcpReceived { get; set; }

    /// <summary>The client's socket address.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The fingerprint of the client's DTLS certificate, which the server must be given (AddPeer).</summary>
    public string LocalFingerprint => _identity.Sha256Fingerprint;

    /// <summary>The client's ICE credentials; the server needs the ufrag, never the password (ICE-lite sends no checks).</summary>
    public IceCredentials LocalIceCredentials { get; }

    /// <summary>The negotiated SRTP profile once connected.</summary>
    public SrtpProfile? Profile => Volatile.Read(ref _profile) is var value && value != 0 ? (SrtpProfile)value : null;

    /// <summary>Whether SRTP keys are in place and the DTLS association has not ended.</summary>
    public bool IsConnected => _sendSrtp is not null && !_closed.Task.IsCompleted && !_disposed;

    /// <summary>Completes when the DTLS association ends: the server's close_notify, a failure, or disposal.</summary>
    public Task<DtlsSessionEnd> Closed => _closed.Task;

    /// <summary>The error code of the last STUN error response, or 0.</summary>
    public int LastStunErrorCode => Volatile.Read(ref _lastStunErrorCode);

    /// <summary>RTP packets received, authenticated and decrypted.</summary>
    public long RtpPacketsReceived => Interlocked.Read(ref _rtpReceived);

    /// <summary>RTCP packets received, authenticated and decrypted.</summary>
    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    /// <summary>SRTP or SRTCP packets that did not unprotect.</summary>
    public long SrtpFailures => Interlocked.Read(ref _srtpFailures);

    /// <summary>Exceptions thrown by <see cref="RtpReceived"/> or <see cref="RtcpReceived"/>.</summary>
    public long CallbackErrors => Interlocked.Read(ref _callbackErrors);

    /// <summary>
    /// Connects to a media server's candidate: ICE until a check with USE-CANDIDATE succeeds, then the DTLS
    /// handshake, then SRTP. Throws if any step fails; the endpoint cannot connect twice.
    /// </summary>
    /// <param name="server">The server's candidate address and port.</param>
    /// <param name="serverUfrag">The server's a=ice-ufrag for this client.</param>
    /// <param name="serverPassword">The server's a=ice-pwd for this client.</param>
    /// <param name="serverFingerprint">The server's DTLS fingerprint (a=fingerprint:sha-256, without the prefix).</param>
    /// <param name="cancellationToken">Aborts ICE or the handshake.</param>
    /// <exception cref="TimeoutException">No successful ICE check within <see cref="WebRtcClientOptions.IceTimeout"/>.</exception>
    /// <exception cref="DtlsHandshakeException">The DTLS handshake failed.</exception>
    public async Task ConnectAsync(IPEndPoint server, string serverUfrag, string serverPassword, string serverFingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(serverUfrag);
        ArgumentNullException.ThrowIfNull(serverPassword);
        ArgumentNullException.ThrowIfNull(serverFingerprint);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _connectStarted, 1) != 0)
        {
            throw new InvalidOperationException("The endpoint has already connected once.");
        }

        _server = TransportAddress.FromEndPoint(server);
        _serverAddress = server.Serialize();
        _dtls.Destination = _serverAddress;
        _username = Encoding.ASCII.GetBytes(serverUfrag + ":" + LocalIceCredentials.Ufrag);
        _serverPassword = Encoding.ASCII.GetBytes(serverPassword);
        if (_options.UseTcp)
        {
            await _socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            _receiveThread.Start();
        }

        _hasServer = true;

        var started = TimeProvider.System.GetTimestamp();
        CheckOutcome outcome;
        while ((outcome = await CheckAsync(useCandidate: true, _options.CheckRetransmitInterval, cancellationToken).ConfigureAwait(false)) != CheckOutcome.Succeeded)
        {
            if (TimeProvider.System.GetElapsedTime(started) > _options.IceTimeout)
            {
                throw new TimeoutException($"ICE: no successful check with {server} within {_options.IceTimeout.TotalSeconds:0.#} s (last STUN error {LastStunErrorCode}).");
            }

            if (outcome == CheckOutcome.Refused)
            {
                // An error answer comes at once; pace the retries as if it had not come at all.
                await Task.Delay(_options.CheckRetransmitInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        using var handshakeCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handshakeToken = handshakeCancellation.Token;
        var lifetimeToken = _lifetime.Token;
        _ = Task.Factory.StartNew(() => RunDtls(serverFingerprint, handshake, handshakeToken, lifetimeToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await handshake.Task.ConfigureAwait(false);

        if (_options.ConsentInterval is { } interval)
        {
            _consentTimer = TimeProvider.System.CreateTimer(static state => ((WebRtcClientEndpoint)state!).SendCheck(useCandidate: false, default), this, interval, interval);
        }
    }

    /// <summary>Sends a consent check (RFC 7675) and waits up to a second for its success response.</summary>
    public async Task<bool> CheckConsentAsync(CancellationToken cancellationToken = default)
    {
        if (!_hasServer)
        {
            throw new InvalidOperationException("Not connected.");
        }

        return await CheckAsync(useCandidate: false, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false) == CheckOutcome.Succeeded;
    }

    /// <summary>Protects a plaintext RTP packet and sends it to the server; false when not connected or refused.</summary>
    public bool SendRtp(ReadOnlySpan<byte> packet) => SendProtected(packet, rtcp: false);

    /// <summary>Protects a plaintext RTCP compound packet and sends it to the server; false when not connected or refused.</summary>
    public bool SendRtcp(ReadOnlySpan<byte> compound) => SendProtected(compound, rtcp: true);

    /// <summary>
    /// Sends <paramref name="datagram"/> to the server as it is (over TCP in one RFC 4571 frame): for tests that send
    /// what no browser would.
    /// </summary>
    public bool SendDatagram(ReadOnlySpan<byte> datagram)
    {
        var destination = _serverAddress;
        if (destination is null || _disposed)
        {
            return false;
        }

        try
        {
            if (_tcpFrame is null)
            {
                _socket.SendTo(datagram, SocketFlags.None, destination);
                return true;
            }

            if (datagram.Length > ushort.MaxValue)
            {
                return false;
            }

            lock (_tcpWriteGate)
            {
                Rfc4571Framer.WriteHeader(_tcpFrame, datagram.Length);
                datagram.CopyTo(_tcpFrame.AsSpan(Rfc4571Framer.HeaderSize));
                return SendStream(_tcpFrame.AsSpan(0, Rfc4571Framer.HeaderSize + datagram.Length));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> on the TCP connection as they are, with no framing added: for tests of what
    /// the server does with broken framing. False when not connected over TCP.
    /// </summary>
    public bool SendStream(ReadOnlySpan<byte> bytes)
    {
        if (_tcpFrame is null || !_socket.Connected || _disposed)
        {
            return false;
        }

        try
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[_socket.Send(bytes, SocketFlags.None)..];
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Over TCP, closes the connection as a failing network would: no close_notify, the DTLS association is left as it
    /// is. For tests of a path that dies; does nothing over UDP.
    /// </summary>
    public void AbortTcpConnection()
    {
        if (_tcpFrame is not null)
        {
            _socket.Close(0);
        }
    }

    bool IPacketPath.SendPacket(ReadOnlySpan<byte> packet) => SendDatagram(packet);

    /// <summary>Sends close_notify if connected, stops the receive thread and closes the socket.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _consentTimer?.Dispose();
        _session?.Close();
        _lifetime.Cancel();
        _dtls.Complete();
        _socket.Dispose();
        if (_receiveThread.ThreadState != ThreadState.Unstarted)
        {
            _receiveThread.Join(TimeSpan.FromSeconds(2));
        }

        lock (_sendGate)
        {
            _sendSrtp?.Dispose();
        }

        _receiveSrtp?.Dispose();
        _closed.TrySetResult(DtlsSessionEnd.ClosedLocally);
        _lifetime.Dispose();
        if (_ownsIdentity)
        {
            _identity.Dispose();
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Every failure goes to the task ConnectAsync awaits.")]
    private void RunDtls(string serverFingerprint, TaskCompletionSource handshake, CancellationToken handshakeToken, CancellationToken lifetime)
    {
        DtlsSession session;
        try
        {
            session = DtlsSrtpClient.Connect(_identity, _dtls, serverFingerprint, _options.OfferedProfiles, _options.Dtls, handshakeToken);
            var (send, receive, profile) = SrtpContexts.FromDtls(session.Srtp, isServer: false);
            Volatile.Write(ref _profile, (int)profile);
            _receiveSrtp = receive;
            _sendSrtp = send;
            _session = session;
        }
        catch (OperationCanceledException ex)
        {
            _closed.TrySetResult(DtlsSessionEnd.Cancelled);
            handshake.TrySetCanceled(ex.CancellationToken);
            return;
        }
        catch (Exception ex)
        {
            _closed.TrySetResult(DtlsSessionEnd.Failed);
            handshake.TrySetException(ex);
            return;
        }

        if (_disposed)
        {
            session.Close();
        }

        handshake.TrySetResult();
        _closed.TrySetResult(session.Serve(lifetime));
    }

    private bool SendProtected(ReadOnlySpan<byte> packet, bool rtcp)
    {
        lock (_sendGate)
        {
            var srtp = _sendSrtp;
            if (srtp is null || _disposed || packet.Length > _sendScratch.Length - MaxSrtpOverhead)
            {
                return false;
            }

            packet.CopyTo(_sendScratch);
            int length;
            var ok = rtcp ? srtp.TryProtectRtcp(_sendScratch, packet.Length, out length) : srtp.TryProtectRtp(_sendScratch, packet.Length, out length);
            return ok && SendDatagram(_sendScratch.AsSpan(0, length));
        }
    }

    private async Task<CheckOutcome> CheckAsync(bool useCandidate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new PendingCheck(RandomNumberGenerator.GetBytes(StunConstants.TransactionIdLength));
        lock (_checksGate)
        {
            _pendingChecks.Add(pending);
        }

        try
        {
            SendCheck(useCandidate, pending.TransactionId);
            return await pending.Result.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return CheckOutcome.TimedOut;
        }
        finally
        {
            lock (_checksGate)
            {
                _pendingChecks.Remove(pending);
            }
        }
    }

    private void SendCheck(bool useCandidate, ReadOnlySpan<byte> transactionId)
    {
        Span<byte> id = stackalloc byte[StunConstants.TransactionIdLength];
        if (transactionId.IsEmpty)
        {
            RandomNumberGenerator.Fill(id);
        }
        else
        {
            transactionId.CopyTo(id);
        }

        Span<byte> priority = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(priority, HostPriority);
        Span<byte> request = stackalloc byte[512];
        var writer = new StunMessageWriter(request);
        var written = writer.TryBegin(StunMessageType.BindingRequest, id)
            && writer.TryAddAttribute(StunAttributeType.Username, _username)
            && writer.TryAddAttribute(StunAttributeType.Priority, priority)
            && writer.TryAddAttribute(StunAttributeType.IceControlling, _tieBreaker)
            && (!useCandidate || writer.TryAddAttribute(StunAttributeType.UseCandidate, []))
            && writer.TryAddMessageIntegrity(_serverPassword)
            && writer.TryAddFingerprint();
        if (written)
        {
            SendDatagram(writer.Written);
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            if (!_hasServer || !TransportAddress.TryFromSocketAddress(from, out var sender) || sender != _server)
            {
                continue;
            }

            HandleFromServer(buffer.AsSpan(0, length));
        }
    }

    /// <summary>The receive loop over TCP: RFC 4571 frames, each handled as a datagram from the server would be.</summary>
    private void ReceiveFramesLoop()
    {
        var framer = new Rfc4571Framer(ushort.MaxValue);
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.Receive(framer.FreeSpace.Span, SocketFlags.None);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                break;
            }

            if (length == 0)
            {
                break;
            }

            framer.Advance(length);
            while (framer.TryTakeFrame(out var frame) == FrameResult.Frame)
            {
                // A view into the framer's buffer, valid until the next take: decrypted in place, as a datagram is.
                HandleFromServer(frame);
            }
        }
    }

    private void HandleFromServer(Span<byte> datagram)
    {
        switch (PacketDemultiplexer.Classify(datagram))
        {
            case PacketKind.Stun:
                HandleStun(datagram);
                break;
            case PacketKind.Dtls:
                _dtls.TryPost(datagram);
                break;
            case PacketKind.Rtp:
                HandleMedia(datagram, rtcp: false);
                break;
            case PacketKind.Rtcp:
                HandleMedia(datagram, rtcp: true);
                break;
            case PacketKind.Unknown:
            default:
                break;
        }
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A test's callback must not end the endpoint's receive thread; errors are counted.")]
    private void HandleMedia(Span<byte> datagram, bool rtcp)
    {
        var srtp = _receiveSrtp;
        if (srtp is null)
        {
            Interlocked.Increment(ref _srtpFailures);
            return;
        }

        var result = rtcp ? srtp.UnprotectRtcp(datagram, out var length) : srtp.UnprotectRtp(datagram, out length);
        if (result != SrtpResult.Ok)
        {
            Interlocked.Increment(ref _srtpFailures);
            return;
        }

        Interlocked.Increment(ref rtcp ? ref _rtcpReceived : ref _rtpReceived);
        try
        {
            (rtcp ? RtcpReceived : RtpReceived)?.Invoke(datagram[..length]);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _callbackErrors);
        }
    }

    private void HandleStun(ReadOnlySpan<byte> datagram)
    {
        if (StunMessage.Parse(datagram, out var message) != StunParseResult.Ok || !message.VerifyFingerprint())
        {
            return;
        }

        if (message.Class == StunMessageClass.Request)
        {
            AnswerCheck(message);
            return;
        }

        if (message.Class is not (StunMessageClass.SuccessResponse or StunMessageClass.ErrorResponse))
        {
            return;
        }

        PendingCheck? pending = null;
        lock (_checksGate)
        {
            foreach (var candidate in _pendingChecks)
            {
                if (message.TransactionId.SequenceEqual(candidate.TransactionId))
                {
                    pending = candidate;
                    break;
                }
            }
        }

        if (pending is null)
        {
            return;
        }

        if (message.Class == StunMessageClass.SuccessResponse)
        {
            // A success response without our password's integrity is not the server's.
            if (message.HasMessageIntegrity && message.VerifyMessageIntegrity(_serverPassword))
            {
                pending.Result.TrySetResult(CheckOutcome.Succeeded);
            }

            return;
        }

        if (message.TryGetErrorCode(out var code, out _))
        {
            Volatile.Write(ref _lastStunErrorCode, code);
        }

        pending.Result.TrySetResult(CheckOutcome.Refused);
    }

    /// <summary>
    /// Answers the server's own connectivity checks, which a full ICE agent sends (RFC 8445 §7.3) and libnice sends even
    /// in lite mode before it nominates (Janus): a Binding success for requests addressed to our ufrag and signed with
    /// our password; anything else is ignored, as an unauthenticated check must not learn anything.
    /// </summary>
    private void AnswerCheck(in StunMessage request)
    {
        if (request.Type != StunMessageType.BindingRequest || !request.HasUsername || !request.HasMessageIntegrity)
        {
            return;
        }

        var username = request.Username;
        var colon = username.IndexOf((byte)':');
        if (colon < 0 || !username[..colon].SequenceEqual(_localUfrag) || !request.VerifyMessageIntegrity(_localPassword))
        {
            return;
        }

        Span<byte> response = stackalloc byte[256];
        var writer = new StunMessageWriter(response);
        if (writer.TryWriteBindingSuccess(request.TransactionId, _server, _localPassword))
        {
            SendDatagram(writer.Written);
        }
    }

    private sealed class PendingCheck(byte[] transactionId)
    {
        public byte[] TransactionId { get; } = transactionId;

        public TaskCompletionSource<CheckOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private enum CheckOutcome
    {
        Succeeded,
        Refused,
        TimedOut,
    }
}
