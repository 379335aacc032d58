using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Media;

/// <summary>
/// An IP address and UDP port (RFC 8445's "transport address") held by value, so that the per-packet
/// path can compare, store and answer to the sender of a datagram without allocating an
/// <see cref="IPEndPoint"/>. The address is kept in the form the socket gave it: an IPv4 peer seen
/// through a dual-stack socket stays IPv4-mapped IPv6 here, so that replies go back the same way.
/// </summary>
public readonly struct TransportAddress : IEquatable<TransportAddress>
{
    // The 16 address bytes in network order; an IPv4 address fills the first four and leaves the rest zero.
    private readonly ulong _high;
    private readonly ulong _low;

    private TransportAddress(AddressFamily family, ReadOnlySpan<byte> address, int port)
    {
        Family = family;
        Port = port;
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        address.CopyTo(bytes);
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    /// <summary><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/>;
    /// <see cref="AddressFamily.Unknown"/> for the default value.</summary>
    public AddressFamily Family { get; }

    /// <summary>The UDP (or TCP) port, 0 to 65535.</summary>
    public int Port { get; }

    /// <summary>Whether this is an IPv4 address, or an IPv4 address mapped into IPv6 (::ffff:a.b.c.d).</summary>
    public bool IsIPv4OrMapped =>
        Family == AddressFamily.InterNetwork
        || (Family == AddressFamily.InterNetworkV6 && _high == 0 && (_low >> 32) == 0xFFFF);

    /// <summary>An IPv4 transport address from its four address bytes in network order.</summary>
    public static TransportAddress IPv4(ReadOnlySpan<byte> address, int port)
    {
        if (address.Length != 4)
        {
            throw new ArgumentException("An IPv4 address has four bytes.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)port, (uint)ushort.MaxValue, nameof(port));
        return new TransportAddress(AddressFamily.InterNetwork, address, port);
    }

    /// <summary>An IPv6 transport address from its sixteen address bytes in network order.</summary>
    public static TransportAddress IPv6(ReadOnlySpan<byte> address, int port)
    {
        if (address.Length != 16)
        {
            throw new ArgumentException("An IPv6 address has sixteen bytes.", nameof(address));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)port, (uint)ushort.MaxValue, nameof(port));
        return new TransportAddress(AddressFamily.InterNetworkV6, address, port);
    }

    /// <summary>The transport address of an endpoint (allocation-free).</summary>
    public static TransportAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        if (!endPoint.Address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("The endpoint's address is neither IPv4 nor IPv6.", nameof(endPoint));
        }

        return written == 4
            ? new TransportAddress(AddressFamily.InterNetwork, bytes[..4], endPoint.Port)
            : new TransportAddress(AddressFamily.InterNetworkV6, bytes, endPoint.Port);
    }

    /// <summary>
    /// Reads the sender address that <c>Socket.ReceiveFrom(Span&lt;byte&gt;, SocketFlags, SocketAddress)</c>
    /// filled in, without allocating. False for families other than IPv4 and IPv6 or a short buffer.
    /// </summary>
    public static bool TryFromSocketAddress(SocketAddress socketAddress, out TransportAddress address)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var raw = socketAddress.Buffer.Span[..socketAddress.Size];

        // sockaddr_in and sockaddr_in6 put the port (network order) at offset 2 on every platform .NET
        // runs on; the IPv4 address follows at 4, the IPv6 address after the flow label at 8.
        switch (socketAddress.Family)
        {
            case AddressFamily.InterNetwork when raw.Length >= 8:
                address = new TransportAddress(
                    AddressFamily.InterNetwork, raw.Slice(4, 4), BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
                return true;
            case AddressFamily.InterNetworkV6 when raw.Length >= 24:
                address = new TransportAddress(
                    AddressFamily.InterNetworkV6, raw.Slice(8, 16), BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
                return true;
            default:
                address = default;
                return false;
        }
    }

    /// <summary>Writes the address bytes (4 or 16) in network order and returns how many.</summary>
    public int WriteAddressBytes(Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
        var length = Family == AddressFamily.InterNetwork ? 4 : 16;
        bytes[..length].CopyTo(destination);
        return length;
    }

    /// <summary>The IPv4 address bytes of an IPv4 or IPv4-mapped address (for XOR-MAPPED-ADDRESS).</summary>
    internal void WriteIPv4Bytes(Span<byte> destination)
    {
        var value = Family == AddressFamily.InterNetwork ? (uint)(_high >> 32) : (uint)_low;
        BinaryPrimitives.WriteUInt32BigEndian(destination, value);
    }

    /// <summary>An <see cref="IPEndPoint"/> for this address. Allocates: not for the per-packet path.</summary>
    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        var length = WriteAddressBytes(bytes);
        return new IPEndPoint(new IPAddress(bytes[..length]), Port);
    }

    /// <inheritdoc />
    public bool Equals(TransportAddress other) =>
        Family == other.Family && Port == other.Port && _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TransportAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Family, Port, _high, _low);

    /// <inheritdoc />
    public override string ToString() => Family == AddressFamily.Unknown ? "(none)" : ToEndPoint().ToString();

    /// <summary>Whether two transport addresses are the same.</summary>
    public static bool operator ==(TransportAddress left, TransportAddress right) => left.Equals(right);

    /// <summary>Whether two transport addresses differ.</summary>
    public static bool operator !=(TransportAddress left, TransportAddress right) => !left.Equals(right);
}
