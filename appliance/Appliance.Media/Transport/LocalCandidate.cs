using System.Globalization;
using System.Net;

namespace Appliance.Media.Transport;

/// <summary>
/// One of the media server's ICE host candidates (RFC 8445 §5.1.1.1) for the SDP: the shared UDP port on an
/// address the clients can reach. ICE-lite servers only ever have host candidates.
/// </summary>
/// <param name="Foundation">Differs per address (RFC 8445 §5.1.1.3).</param>
/// <param name="Priority">RFC 8445 §5.1.2.1: type preference 126 (host), local preference falling with the address's position.</param>
/// <param name="Address">The address as advertised.</param>
/// <param name="Port">The server's UDP port.</param>
public sealed record LocalCandidate(string Foundation, uint Priority, IPAddress Address, int Port)
{
    /// <summary>RTP and RTCP share the port (rtcp-mux), so every candidate is component 1.</summary>
    public const int Component = 1;

    /// <summary>The value of an SDP a=candidate attribute: "foundation 1 udp priority address port typ host".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Foundation} {Component} udp {Priority} {Address} {Port} typ host");

    internal static uint PriorityFor(int index)
    {
        const uint HostTypePreference = 126;
        var localPreference = (uint)(65535 - index);
        return (HostTypePreference << 24) | (localPreference << 8) | (256 - 1);
    }
}
