using System.Net;
using Appliance.Media.Transport;

namespace Appliance.Host.Media;

/// <summary>The media plane's settings (section "Appliance:Media").</summary>
public sealed class MediaOptions
{
    public const string Section = "Appliance:Media";

    /// <summary>False runs the appliance without audio and video (lobby, chat and roster only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The one UDP port of every media connection; 0 lets the system choose (tests).</summary>
    public int Port { get; set; } = 10000;

    /// <summary>
    /// The TCP port of ICE-TCP (RFC 6544 passive candidates), for browsers behind firewalls that let no UDP through.
    /// Unset: the same number as <see cref="Port"/> (so 10000, and with 0 another ephemeral port); -1: no TCP listener.
    /// </summary>
    public int? TcpPort { get; set; }

    /// <summary>
    /// How many ICE-TCP connections one source (an IPv4 address, an IPv6 /64) may have waiting for their first ICE check;
    /// more from it are closed, so that one address cannot keep everyone else out. Raise it for many users behind one NAT.
    /// </summary>
    public int TcpPendingPerSource { get; set; } = 8;

    /// <summary>False leaves UDP out of the offers, so that browsers must use ICE-TCP: a diagnostic, not for production.</summary>
    public bool OfferUdp { get; set; } = true;

    /// <summary>The address the media socket binds to.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// The addresses browsers reach the media port at, best first (behind NAT: the public one). When empty, a specific
    /// <see cref="BindAddress"/> is advertised, and with the wildcard bind 127.0.0.1, so that a developer's `dotnet run`
    /// works on this machine (and nowhere else: a server must set its address).
    /// </summary>
    public IList<string> AdvertisedAddresses { get; } = [];

    /// <summary>How many cameras each participant receives (the last speakers).</summary>
    public int LastN { get; set; } = 9;

    /// <summary>The TCP port as <see cref="MediaServerOptions.TcpPort"/> takes it (null: none); throws a message the operator can act on.</summary>
    public int? ResolveTcpPort() => TcpPort switch
    {
        null => Port,
        -1 => null,
        >= 0 and <= 65535 => TcpPort,
        _ => throw new InvalidOperationException($"Appliance:Media:TcpPort {TcpPort} is not a port number (or -1 for no TCP listener)."),
    };

    /// <summary><see cref="TcpPendingPerSource"/>, checked; throws a message the operator can act on.</summary>
    public int ResolveTcpPendingPerSource() => TcpPendingPerSource >= 1
        ? TcpPendingPerSource
        : throw new InvalidOperationException($"Appliance:Media:TcpPendingPerSource {TcpPendingPerSource} must be at least 1.");

    /// <summary>The bind address, parsed; throws a message the operator can act on.</summary>
    public IPAddress ParseBindAddress() =>
        IPAddress.TryParse(BindAddress, out var address)
            ? address
            : throw new InvalidOperationException($"Appliance:Media:BindAddress '{BindAddress}' is not an IP address.");

    /// <summary>The advertised addresses, parsed, with the defaults described at <see cref="AdvertisedAddresses"/>.</summary>
    public IReadOnlyList<IPAddress> ParseAdvertisedAddresses()
    {
        var parsed = AdvertisedAddresses
            .Select(a => IPAddress.TryParse(a, out var address)
                ? address
                : throw new InvalidOperationException($"Appliance:Media:AdvertisedAddresses holds '{a}', which is not an IP address."))
            .ToList();
        if (parsed.Count > 0)
        {
            return parsed;
        }

        var bind = ParseBindAddress();
        return bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? [IPAddress.Loopback] : [bind];
    }
}
