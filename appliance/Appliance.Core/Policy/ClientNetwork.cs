using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Core.Policy;

/// <summary>
/// A network clients may connect from, written in CIDR notation (<c>10.20.0.0/16</c>, <c>2001:db8::/32</c>).
/// Parsing is strict: the address must be the network's first address (no host bits set), so that a typo such as
/// <c>10.20.30.40/16</c> is refused instead of silently meaning something broader than the officer read.
/// </summary>
public readonly record struct ClientNetwork
{
    private ClientNetwork(IPNetwork network) => Network = network;

    /// <summary>Every IPv4 address.</summary>
    public static ClientNetwork AnyIPv4 { get; } = new(new IPNetwork(IPAddress.Any, 0));

    /// <summary>Every IPv6 address.</summary>
    public static ClientNetwork AnyIPv6 { get; } = new(new IPNetwork(IPAddress.IPv6Any, 0));

    /// <summary>The network as .NET represents it.</summary>
    public IPNetwork Network { get; }

    /// <summary>Number of leading bits that name the network.</summary>
    public int PrefixLength => Network.PrefixLength;

    /// <summary>True for an IPv6 network.</summary>
    public bool IsIPv6 => Network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Parses CIDR notation, throwing <see cref="FormatException"/> for anything else.</summary>
    public static ClientNetwork Parse(string text) =>
        TryParse(text, out var network, out var problem) ? network : throw new FormatException(problem);

    /// <summary>Parses CIDR notation; <paramref name="problem"/> says in English why a text is refused.</summary>
    public static bool TryParse(string? text, out ClientNetwork network, [NotNullWhen(false)] out string? problem)
    {
        network = default;
        var trimmed = text?.Trim() ?? string.Empty;
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == trimmed.Length - 1)
        {
            problem = $"'{text}' is not a network in CIDR notation (address/prefix, for example 10.0.0.0/8).";
            return false;
        }

        if (!IPAddress.TryParse(trimmed.AsSpan(0, slash), out var address)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && (address.ScopeId != 0 || address.IsIPv4MappedToIPv6)))
        {
            // IPv4-mapped IPv6 networks are refused so that every IPv4 rule is written one way; client addresses
            // arriving mapped are unmapped before matching (see Contains).
            problem = $"'{text}' does not start with a plain IPv4 or IPv6 address.";
            return false;
        }

        var maximum = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefixText = trimmed.AsSpan(slash + 1);
        if (prefixText.Length > 3 || prefixText.ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > maximum)
        {
            problem = $"'{text}' has a prefix length that is not a number from 0 to {maximum}.";
            return false;
        }

        var candidate = new IPNetwork(Truncate(address, prefix), prefix);
        if (!candidate.BaseAddress.Equals(address))
        {
            problem = $"'{text}' has host bits set; did you mean {candidate}?";
            return false;
        }

        network = new ClientNetwork(candidate);
        problem = null;
        return true;
    }

    /// <summary>True when the address lies in this network; IPv4 addresses seen through an IPv6 socket count as IPv4.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return plain.AddressFamily == Network.BaseAddress.AddressFamily && Network.Contains(plain);
    }

    /// <summary>True when every address of <paramref name="other"/> is in this network.</summary>
    public bool Contains(ClientNetwork other) =>
        other.IsIPv6 == IsIPv6 && other.PrefixLength >= PrefixLength && Network.Contains(other.Network.BaseAddress);

    /// <summary>The CIDR text.</summary>
    public override string ToString() => Network.ToString();

    private static IPAddress Truncate(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }

        return new IPAddress(bytes);
    }
}

/// <summary>
/// The networks clients may connect from. An empty list admits nobody: "anywhere" is written out as
/// <see cref="Anywhere"/> so that an accidentally emptied list fails closed.
/// </summary>
public sealed record ClientNetworks
{
    /// <summary>Creates a list; duplicates are removed and the order made canonical so that equal lists compare equal.</summary>
    public ClientNetworks(IEnumerable<ClientNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        Networks = [.. networks.Distinct().OrderBy(n => n.IsIPv6).ThenBy(n => n.ToString(), StringComparer.Ordinal)];
    }

    /// <summary>Every IPv4 and IPv6 address.</summary>
    public static ClientNetworks Anywhere { get; } = new([ClientNetwork.AnyIPv4, ClientNetwork.AnyIPv6]);

    /// <summary>The private ranges of RFC 1918 and RFC 4193 unique-local IPv6: clients inside the agency's own networks.</summary>
    public static ClientNetworks PrivateOnly { get; } = Parse("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

    /// <summary>The networks, IPv4 first.</summary>
    public IReadOnlyList<ClientNetwork> Networks { get; }

    /// <summary>Parses CIDR texts, throwing <see cref="FormatException"/> for the first bad one.</summary>
    public static ClientNetworks Parse(params IEnumerable<string> cidrs) => new(cidrs.Select(ClientNetwork.Parse));

    /// <summary>True when the address is in one of the networks.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every address this list admits is also admitted by <paramref name="other"/>.</summary>
    public bool IsWithin(ClientNetworks other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Networks.All(mine => other.Networks.Any(theirs => theirs.Contains(mine)));
    }

    /// <summary>
    /// The addresses both lists admit. Two CIDR networks are either disjoint or one contains the other, so the
    /// intersection is exactly the smaller of every nested pair.
    /// </summary>
    public ClientNetworks Intersect(ClientNetworks other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var both = new List<ClientNetwork>();
        foreach (var a in Networks)
        {
            foreach (var b in other.Networks)
            {
                if (a.Contains(b))
                {
                    both.Add(b);
                }
                else if (b.Contains(a))
                {
                    both.Add(a);
                }
            }
        }

        // Drop networks already covered by a broader one in the result, to keep the list minimal.
        return new ClientNetworks(both.Where(n => !both.Any(m => m != n && m.Contains(n))));
    }

    /// <inheritdoc />
    public bool Equals(ClientNetworks? other) => other is not null && Networks.SequenceEqual(other.Networks);

    /// <inheritdoc />
    public override int GetHashCode() => Networks.Count == 0 ? 0 : HashCode.Combine(Networks.Count, Networks[0]);

    /// <summary>The CIDR texts separated by commas; "none" for an empty list.</summary>
    public override string ToString() => Networks.Count == 0 ? "none" : string.Join(", ", Networks);
}
