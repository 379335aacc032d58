using System.Net;
using System.Net.Sockets;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;

namespace Appliance.Media.Transport;

/// <summary>Configuration of a <see cref="MediaServer"/>.</summary>
public sealed record MediaServerOptions
{
    /// <summary>The media port when none is configured.</summary>
    public const int DefaultPort = 10000;

    /// <summary>The address the UDP socket binds to; 0.0.0.0 (every IPv4 address) by default.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The UDP port for every peer; 0 lets the system choose (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Binds an IPv6 socket in dual mode, so IPv4 peers arrive as IPv4-mapped addresses on the same port.
    /// <see cref="BindAddress"/> must then be an IPv6 address; the default 0.0.0.0 is read as [::].
    /// </summary>
    public bool DualStack { get; init; }

    /// <summary>
    /// The addresses clients reach the server at, in order of preference, for <see cref="MediaServer.LocalCandidates"/>.
    /// When empty, a specific <see cref="BindAddress"/> is advertised; a wildcard one gives no candidates, so a
    /// server bound to 0.0.0.0 must be told its addresses (behind NAT: the public address).
    /// </summary>
    public IReadOnlyList<IPAddress> AdvertisedAddresses { get; init; } = [];

    /// <summary>
    /// The port of the ICE-TCP listener (RFC 6544 passive candidates, RFC 4571 framing) on <see cref="BindAddress"/>,
    /// for browsers that cannot use UDP; 0 lets the system choose (tests); null, the default, opens no listener.
    /// </summary>
    public int? TcpPort { get; init; }

    /// <summary>Accepted TCP connections whose first frame has not yet been judged; more are closed at once.</summary>
    public int MaxPendingTcpConnections { get; init; } = 64;

    /// <summary>
    /// Of <see cref="MaxPendingTcpConnections"/>, how many one source (an IPv4 address, an IPv6 /64) may hold, so that one
    /// address cannot keep everyone else out of ICE-TCP; more from it are closed at once.
    /// </summary>
    public int MaxPendingTcpConnectionsPerSource { get; init; } = 8;

    /// <summary>Authenticated TCP connections per peer; a further one is closed (a browser needs one per candidate pair).</summary>
    public int MaxTcpConnectionsPerPeer { get; init; } = 2;

    /// <summary>How long an accepted TCP connection has to send a valid ICE check before it is closed.</summary>
    public TimeSpan TcpAuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes of framed packets waiting per TCP connection for the kernel; what does not fit is dropped.</summary>
    public int TcpSendBufferSize { get; init; } = 128 * 1024;

    /// <summary>
    /// False leaves the UDP candidates out of <see cref="MediaServer.LocalCandidates"/>, so that browsers can only
    /// use ICE-TCP. A diagnostic (and the browser test's way to force TCP); the UDP socket stays open either way.
    /// </summary>
    public bool OfferUdp { get; init; } = true;

    /// <summary>
    /// Told when a TCP connection is refused or closed for misbehaving (no secrets: the remote address and the
    /// reason); wire it to the operational log. Called on the receive thread, at most 50 times per 10 s (the rest are
    /// counted, <see cref="MediaCounter.TcpRejectionsUnreported"/>), and for a source at its pending limit once.
    /// </summary>
    public Action<TcpConnectionRejection>? TcpConnectionRejected { get; init; }

    /// <summary>How often <see cref="IMediaHandler.OnTick"/> runs and consent is checked; 20 ms by default.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Longer datagrams are dropped unread (<see cref="MediaCounter.DroppedOversized"/>): WebRTC keeps packets
    /// under the path MTU, so anything larger is junk, or a fragment attack.
    /// </summary>
    public int MaxDatagramSize { get; init; } = 1500;

    /// <summary>How many DTLS datagrams wait per peer before more are dropped.</summary>
    public int DtlsQueueCapacity { get; init; } = 64;

    /// <summary>How many addresses (pairs the peer checked from) map to one peer; the oldest unselected one is forgotten.</summary>
    public int MaxAddressesPerPeer { get; init; } = 4;

    /// <summary>Kernel receive and send buffer size of the socket, for bursts (capped by net.core.rmem_max/wmem_max).</summary>
    public int SocketBufferSize { get; init; } = 4 << 20;

    /// <summary>
    /// On Linux, the receive thread reads bursts of datagrams with one <c>recvmmsg(2)</c> and sends what they fan
    /// out to with one <c>sendmmsg(2)</c> per burst (at most 64 datagrams), instead of a system call per datagram.
    /// True by default; false, or another OS, uses the socket's own one-datagram calls.
    /// </summary>
    public bool BatchedIo { get; init; } = true;

    /// <summary>SRTP profiles accepted in DTLS, best first: AES-GCM, then AES-CM (the two SrtpSession implements).</summary>
    public IReadOnlyList<int> SrtpProfiles { get; init; } = DtlsSrtpProfiles.Preferred;

    /// <summary>DTLS handshake timing.</summary>
    public DtlsServerOptions Dtls { get; init; } = DtlsServerOptions.Default;

    /// <summary>
    /// Told about exceptions on the receive thread and the DTLS workers that the media plane survives (a throwing
    /// handler, a bug); wire it to the operational log. Called on the thread where it happened.
    /// </summary>
    public Action<Exception>? UnexpectedError { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BindAddress);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)Port, (uint)ushort.MaxValue, nameof(Port));
        if (TcpPort is { } tcpPort)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)tcpPort, (uint)ushort.MaxValue, nameof(TcpPort));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingTcpConnections, 1, nameof(MaxPendingTcpConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingTcpConnectionsPerSource, 1, nameof(MaxPendingTcpConnectionsPerSource));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTcpConnectionsPerPeer, 1, nameof(MaxTcpConnectionsPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(TcpSendBufferSize, 16 * 1024, nameof(TcpSendBufferSize));
        if (TcpAuthenticationTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TcpAuthenticationTimeout), TcpAuthenticationTimeout, "The authentication timeout must be positive.");
        }

        if (!OfferUdp && TcpPort is null)
        {
            throw new ArgumentException("Without UDP candidates the TCP listener is the only way in: set TcpPort.", nameof(OfferUdp));
        }

        if (DualStack && BindAddress.AddressFamily != AddressFamily.InterNetworkV6 && !BindAddress.Equals(IPAddress.Any))
        {
            throw new ArgumentException("A dual-stack socket binds an IPv6 address.", nameof(BindAddress));
        }

        if (TickInterval < TimeSpan.FromMilliseconds(1) || TickInterval > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TickInterval), TickInterval, "The tick interval must be between 1 ms and 1 s.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 576, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramSize, 65507, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(DtlsQueueCapacity, 4, nameof(DtlsQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAddressesPerPeer, 1, nameof(MaxAddressesPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(SocketBufferSize, 64 * 1024, nameof(SocketBufferSize));
        ArgumentNullException.ThrowIfNull(AdvertisedAddresses);
        ArgumentNullException.ThrowIfNull(SrtpProfiles);
        ArgumentNullException.ThrowIfNull(Dtls);
        if (SrtpProfiles.Count == 0)
        {
            throw new ArgumentException("At least one SRTP profile is required.", nameof(SrtpProfiles));
        }

        foreach (var profile in SrtpProfiles)
        {
            if (!SrtpProfileParameters.TryFromProtectionProfileId(profile, out _))
            {
                throw new ArgumentException($"SRTP profile {profile} is not implemented; use AEAD_AES_128_GCM (7) or AES_CM_128_HMAC_SHA1_80 (1).", nameof(SrtpProfiles));
            }
        }
    }
}
