using System.Net;
using System.Net.Sockets;

namespace Appliance.Media.Sdp;

/// <summary>
/// One of our host candidates (RFC 8445 §5.1.1.1): the UDP address the media socket listens on, or the ICE-TCP
/// listener's (RFC 6544, passive), as the a=candidate line of our offer writes it (RFC 8839 §5.1). An ICE-lite agent
/// has only host candidates.
/// </summary>
public sealed record SdpCandidate
{
    /// <summary>The type preference of host candidates (RFC 8445 §5.1.2.2).</summary>
    public const int HostTypePreference = 126;

    /// <summary>The local preference of a host with one address (RFC 8445 §5.1.2.1).</summary>
    public const int SingleAddressLocalPreference = 65535;

    /// <summary>The component of RTP; with rtcp-mux it is the only one.</summary>
    public const int RtpComponent = 1;

    /// <summary>A UDP host candidate, or a passive TCP one.</summary>
    /// <param name="foundation">1 to 32 ice-chars (RFC 8839 §5.1); the same for candidates of the same
    /// type, base IP and protocol (RFC 8445 §5.1.1.3).</param>
    /// <param name="address">A unicast IPv4 or IPv6 address without scope.</param>
    /// <param name="port">The UDP port, 1 to 65535.</param>
    /// <param name="localPreference">0 to 65535; on a host with several addresses each gets a different one,
    /// higher for the address peers should try first (RFC 8445 §5.1.2.1, RFC 8421 for dual stack; RFC 6544 §4.2 for TCP).</param>
    /// <param name="protocol">UDP, or TCP with tcptype passive (the browser connects).</param>
    /// <exception cref="ArgumentException">A value out of range or of the wrong form.</exception>
    public SdpCandidate(string foundation, IPAddress address, int port, int localPreference = SingleAddressLocalPreference, CandidateProtocol protocol = CandidateProtocol.Udp)
    {
        ArgumentNullException.ThrowIfNull(foundation);
        ArgumentNullException.ThrowIfNull(address);
        if (!SdpSyntax.IsIceString(foundation, 1, 32))
        {
            throw new ArgumentException("Must be 1 to 32 characters from A-Z, a-z, 0-9, '+' and '/'.", nameof(foundation));
        }

        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None)
            || address.IsIPv4MappedToIPv6
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            throw new ArgumentException("Must be a unicast IPv4 or IPv6 address without scope.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);

        Foundation = foundation;
        Address = address;
        Port = port;
        LocalPreference = localPreference;
        Protocol = protocol;
    }

    /// <summary>The foundation.</summary>
    public string Foundation { get; }

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <summary>The UDP or TCP port.</summary>
    public int Port { get; }

    /// <summary>The local preference.</summary>
    public int LocalPreference { get; }

    /// <summary>UDP, or passive TCP.</summary>
    public CandidateProtocol Protocol { get; }

    /// <summary>The priority of this host candidate for component 1 (RFC 8445 §5.1.2.1).</summary>
    public uint Priority => ComputePriority(HostTypePreference, LocalPreference, RtpComponent);

    /// <summary>
    /// priority = 2^24 × type preference + 2^8 × local preference + (256 − component ID) (RFC 8445 §5.1.2.1).
    /// </summary>
    public static uint ComputePriority(int typePreference, int localPreference, int componentId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(typePreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(typePreference, 126);
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentId, 256);
        return ((uint)typePreference << 24) + ((uint)localPreference << 8) + (uint)(256 - componentId);
    }

    /// <summary>
    /// The value of the a=candidate attribute: "foundation 1 udp priority address port typ host", or for TCP
    /// "foundation 1 tcp priority address port typ host tcptype passive" (RFC 6544 §4.5).
    /// </summary>
    public string ToAttributeValue() => Protocol == CandidateProtocol.Tcp
        ? FormattableString.Invariant($"{Foundation} {RtpComponent} tcp {Priority} {Address} {Port} typ host tcptype passive")
        : FormattableString.Invariant($"{Foundation} {RtpComponent} udp {Priority} {Address} {Port} typ host");
}
