using System.Net;
using Appliance.Crypto.Dtls;

namespace Appliance.Media.Client;

/// <summary>Configuration of a <see cref="WebRtcClientEndpoint"/>.</summary>
public sealed record WebRtcClientOptions
{
    /// <summary>The address the client's own socket binds to (port 0); 127.0.0.1 by default.</summary>
    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// The client's DTLS certificate. Null: the endpoint creates its own and disposes it with itself. The load
    /// generator shares one among many endpoints to save the key generation.
    /// </summary>
    public DtlsIdentity? Identity { get; init; }

    /// <summary>SRTP profiles offered in DTLS use_srtp, as a browser offers them.</summary>
    public IReadOnlyList<int> OfferedProfiles { get; init; } = DtlsSrtpProfiles.Preferred;

    /// <summary>How long ICE may take before <see cref="WebRtcClientEndpoint.ConnectAsync"/> gives up.</summary>
    public TimeSpan IceTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a connectivity check is repeated while no answer has come.</summary>
    public TimeSpan CheckRetransmitInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How often consent checks (RFC 7675) are sent once connected; null sends none, so that a test decides
    /// with <see cref="WebRtcClientEndpoint.CheckConsentAsync"/>. Browsers send one about every 5 s.
    /// </summary>
    public TimeSpan? ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>DTLS handshake timing.</summary>
    public DtlsServerOptions Dtls { get; init; } = DtlsServerOptions.Default;

    /// <summary>
    /// ICE-TCP instead of UDP, as a browser's active TCP candidate: the endpoint connects to the server's passive
    /// TCP candidate and frames every packet with RFC 4571 (RFC 6544). False by default.
    /// </summary>
    public bool UseTcp { get; init; }

    /// <summary>Kernel receive and send buffer size of the client's socket.</summary>
    public int SocketBufferSize { get; init; } = 1 << 20;
}
