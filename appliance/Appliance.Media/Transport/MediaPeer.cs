using System.Net;
using System.Net.Sockets;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;
using Appliance.Media.Ice;

namespace Appliance.Media.Transport;

/// <summary>
/// One WebRTC peer (a browser's PeerConnection, a SIP gateway leg) on a <see cref="MediaServer"/>: its ICE-lite
/// agent, its DTLS association and its two SRTP sessions. Created by <see cref="MediaServer.AddPeer"/> for the
/// signalling layer, which puts <see cref="LocalIceCredentials"/>, <see cref="LocalFingerprint"/> and the
/// server's <see cref="MediaServer.LocalCandidates"/> into its SDP.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> <see cref="SendRtp"/> and <see cref="SendRtcp"/> may only be called on the server's
/// receive thread, i.e. from inside <see cref="IMediaHandler"/> callbacks: they use the peer's SRTP send
/// session and the server's scratch buffer, which that thread owns. Everything else here is safe from any
/// thread.</para>
/// <para>A peer is used once: after it closes (<see cref="Closed"/>), an ICE restart or a new DTLS
/// association needs a new peer.</para>
/// </remarks>
public sealed class MediaPeer
{
    private readonly MediaServer _server;
    private readonly TaskCompletionSource<PeerCloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private int _profile;
    private int _dtlsFailure = -1;

    internal MediaPeer(MediaServer server, long id, IceLiteAgent agent, string remoteFingerprint, string localFingerprint, QueuedDatagramChannel dtls)
    {
        _server = server;
        Id = id;
        Agent = agent;
        RemoteFingerprint = remoteFingerprint;
        LocalFingerprint = localFingerprint;
        Dtls = dtls;
    }

    /// <summary>A number unique among the server's peers, for logs and as a key.</summary>
    public long Id { get; }

    /// <summary>Our ICE credentials for this peer (a=ice-ufrag, a=ice-pwd), current after an ICE restart.</summary>
    public IceCredentials LocalIceCredentials => Agent.LocalCredentials;

    /// <summary>The SHA-256 fingerprint of the server's DTLS certificate, for a=fingerprint:sha-256.</summary>
    public string LocalFingerprint { get; }

    /// <summary>The fingerprint from the peer's SDP that its DTLS certificate must have.</summary>
    public string RemoteFingerprint { get; }

    /// <summary>Where the peer is in its life.</summary>
    public MediaPeerState State => (MediaPeerState)Volatile.Read(ref _state);

    /// <summary>The SRTP profile DTLS negotiated, once <see cref="State"/> is <see cref="MediaPeerState.Connected"/>.</summary>
    public SrtpProfile? Profile => Volatile.Read(ref _profile) is var value && value != 0 ? (SrtpProfile)value : null;

    /// <summary>Why the DTLS handshake failed, when it did.</summary>
    public DtlsHandshakeFailure? DtlsFailure => Volatile.Read(ref _dtlsFailure) is var value && value >= 0 ? (DtlsHandshakeFailure)value : null;

    /// <summary>
    /// Completes when the peer has left, with the reason, after <see cref="IMediaHandler.OnPeerDisconnected"/>.
    /// Continuations run on the thread pool, never on the receive thread.
    /// </summary>
    public Task<PeerCloseReason> Closed => _closed.Task;

    internal IceLiteAgent Agent { get; }

    internal MediaServer Server => _server;

    /// <summary>Orders an ICE restart against the peer's close, so that no ufrag is registered for a closed peer.</summary>
    internal Lock IceGate { get; } = new();

    internal QueuedDatagramChannel Dtls { get; }

    internal MediaCounterSet Counters { get; } = new();

    internal CancellationTokenSource Lifetime { get; } = new();

    // Owned by the receive thread from here on.
    internal SrtpSession? SendSrtp { get; set; }

    internal SrtpSession? ReceiveSrtp { get; set; }

    internal SocketAddress? SendAddress { get; set; }

    internal TransportAddress SendTransportAddress { get; set; }

    /// <summary>The ICE-TCP connection ICE selected, when media goes over TCP; <see cref="SendAddress"/> is then null.</summary>
    internal TcpConnection? TcpPath { get; set; }

    /// <summary>The peer's authenticated ICE-TCP connections, at most <see cref="MediaServerOptions.MaxTcpConnectionsPerPeer"/>.</summary>
    internal List<TcpConnection> TcpConnections { get; } = new(1);

    internal List<TransportAddress> Addresses { get; } = new(2);

    internal Task? DtlsWorker { get; set; }

    /// <summary>Where media to the peer goes: the pair it nominated, or before that the first pair it checked.</summary>
    public bool TryGetRemoteAddress(out TransportAddress address) => Agent.TryGetRemoteAddress(out address);

    /// <summary>Sets the peer's ufrag when its SDP arrives after the peer was added.</summary>
    public void SetRemoteUfrag(string remoteUfrag) => Agent.SetRemoteUfrag(remoteUfrag);

    /// <summary>
    /// ICE restart (RFC 8445 §9): fresh local credentials for the new SDP, the peer's new ufrag if known. Media
    /// keeps flowing on the selected pair; the old credentials stay valid until the peer uses the new ones.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peer has closed.</exception>
    public IceCredentials RestartIce(string? newRemoteUfrag) => _server.RestartIce(this, newRemoteUfrag);

    /// <summary>This peer's counters: what it sent us, what was dropped and why, what we sent it.</summary>
    public MediaCounterSnapshot GetCounters() => Counters.Snapshot();

    /// <summary>
    /// Protects <paramref name="packet"/> (a plaintext RTP packet) under this peer's SRTP keys and sends it to
    /// the peer's selected address. Receive thread only (see the remarks on <see cref="MediaPeer"/>); does not
    /// allocate; the span is copied, not changed.
    /// </summary>
    /// <returns>
    /// False, counted, when the peer is not connected or has left, the packet is refused, or the send fails. With
    /// batched I/O true means queued: a send the kernel refuses later is counted in <see cref="MediaCounter.SendFailures"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">Called from a thread other than the receive thread.</exception>
    public bool SendRtp(ReadOnlySpan<byte> packet) => _server.Send(this, packet, rtcp: false);

    /// <summary>As <see cref="SendRtp"/>, for a plaintext RTCP compound packet.</summary>
    /// <exception cref="InvalidOperationException">Called from a thread other than the receive thread.</exception>
    public bool SendRtcp(ReadOnlySpan<byte> compound) => _server.Send(this, compound, rtcp: true);

    /// <inheritdoc />
    public override string ToString() => $"MediaPeer {Id} ({State})";

    internal void SetState(MediaPeerState state) => Volatile.Write(ref _state, (int)state);

    internal void SetProfile(SrtpProfile profile) => Volatile.Write(ref _profile, (int)profile);

    internal void SetDtlsFailure(DtlsHandshakeFailure failure) => Volatile.Write(ref _dtlsFailure, (int)failure);

    internal void CompleteClosed(PeerCloseReason reason) => _closed.TrySetResult(reason);
}
