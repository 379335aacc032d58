using System.Net;

namespace Appliance.Host.Media;

/// <summary>The media plane's settings (section "Appliance:Media").</summary>
public sealed class MediaOptions
{
    public const string Section = "Appliance:Media";

    /// <summary>False runs the appliance without audio and video (lobby, chat and roster only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The one UDP port of every media connection; 0 lets the system choose (tests).</summary>
    public int Port { get; set; } = 10000;

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
