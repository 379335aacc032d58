using System.Globalization;
using System.Net;

namespace Appliance.Media.Transport;

/// <summary>
/// One of the media server's ICE host candidates (RFC 8445 §5.1.1.1) for the SDP: the shared UDP port, or the
/// ICE-TCP listener (RFC 6544, passive), on an address the clients can reach. ICE-lite servers only ever have
/// host candidates.
/// </summary>
/// <param name="Foundation">Differs per address and per protocol (RFC 8445 §5.1.1.3).</param>
/// <param name="Priority">RFC 8445 §5.1.2.1: type preference 126 (host), local preference falling with the address's
/// position; for TCP the local preference of RFC 6544 §4.2, below every UDP candidate's.</param>
/// <param name="Address">The address as advertised.</param>
/// <param name="Port">The server's UDP port, or its TCP port.</param>
/// <param name="Protocol">UDP, or TCP (always passive: the browser connects).</param>
public sealed record LocalCandidate(string Foundation, uint Priority, IPAddress Address, int Port, CandidateProtocol Protocol = CandidateProtocol.Udp)
{
    /// <summary>RTP and RTCP share the port (rtcp-mux), so every candidate is component 1.</summary>
    public const int Component = 1;

    private const uint HostTypePreference = 126;

    // RFC 6544 §4.2: local preference = 2^13 × direction-pref + other-pref; a host that is not behind a NAT gives
    // passive candidates direction-pref 4 (active 6, simultaneous-open 2). 32768 + 8191 is below any UDP candidate's.
    private const int PassiveDirectionPreference = 4;

    /// <summary>
    /// The value of an SDP a=candidate attribute: "foundation 1 udp priority address port typ host", or for TCP
    /// "foundation 1 tcp priority address port typ host tcptype passive" (RFC 6544 §4.5).
    /// </summary>
    public override string ToString() => Protocol == CandidateProtocol.Tcp
        ? string.Create(CultureInfo.InvariantCulture, $"{Foundation} {Component} tcp {Priority} {Address} {Port} typ host tcptype passive")
        : string.Create(CultureInfo.InvariantCulture, $"{Foundation} {Component} udp {Priority} {Address} {Port} typ host");

    internal static uint PriorityFor(int index) => WithLocalPreference((uint)(65535 - index));

    internal static uint TcpPriorityFor(int index) => WithLocalPreference((uint)((PassiveDirectionPreference << 13) + (8191 - index)));

    private static uint WithLocalPreference(uint localPreference) =>
        (HostTypePreference << 24) | (localPreference << 8) | (256 - Component);
}
