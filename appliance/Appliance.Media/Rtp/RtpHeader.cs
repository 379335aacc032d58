using System.Buffers.Binary;

namespace Appliance.Media.Rtp;

/// <summary>Why a datagram was not accepted as an RTP packet.</summary>
public enum RtpParseResult
{
    /// <summary>A well-formed RTP header.</summary>
    Ok,

    /// <summary>Shorter than the 12-byte fixed header.</summary>
    TooShort,

    /// <summary>The version is not 2.</summary>
    BadVersion,

    /// <summary>The CSRC list runs past the end of the packet.</summary>
    CsrcOverrun,

    /// <summary>The header extension runs past the end of the packet.</summary>
    ExtensionOverrun,
}

/// <summary>
/// The fields of an RTP header (RFC 3550 §5.1) and where its parts lie in the packet it was read from.
/// A plain value: keep it, and pass the same packet bytes to the methods that look inside.
/// </summary>
/// <remarks>
/// <see cref="Read"/> reads the header only and never trusts the last byte as a padding count, because in
/// an SRTP packet (RFC 3711) the end is ciphertext and the authentication tag; <see cref="TryGetPayload"/>
/// removes padding from a decrypted packet.
/// </remarks>
public readonly struct RtpHeader
{
    /// <summary>Length of the fixed header without CSRCs or extension.</summary>
    public const int FixedHeaderLength = 12;

    /// <summary>Profile of the one-byte header extension form (RFC 8285 §4.2).</summary>
    public const int OneByteExtensionProfile = 0xBEDE;

    /// <summary>The RTP version; always 2 once read.</summary>
    public int Version { get; init; }

    /// <summary>The P bit: the payload ends with padding whose last byte counts it.</summary>
    public bool HasPadding { get; init; }

    /// <summary>The X bit: a header extension follows the CSRCs.</summary>
    public bool HasExtension { get; init; }

    /// <summary>How many CSRCs follow the fixed header (0 to 15).</summary>
    public int CsrcCount { get; init; }

    /// <summary>The M bit (end of a video frame, start of a talkspurt).</summary>
    public bool Marker { get; init; }

    /// <summary>The 7-bit payload type.</summary>
    public int PayloadType { get; init; }

    /// <summary>The 16-bit sequence number.</summary>
    public ushort SequenceNumber { get; init; }

    /// <summary>The 32-bit media timestamp.</summary>
    public uint Timestamp { get; init; }

    /// <summary>The synchronisation source.</summary>
    public uint Ssrc { get; init; }

    /// <summary>The header extension's profile (0xBEDE one-byte, 0x100X two-byte, else another); 0 when absent.</summary>
    public int ExtensionProfile { get; init; }

    /// <summary>Offset of the extension's data (after its 4-byte header) in the packet; 0 when absent.</summary>
    public int ExtensionOffset { get; init; }

    /// <summary>Length of the extension's data in bytes.</summary>
    public int ExtensionLength { get; init; }

    /// <summary>Offset of the payload: the header length.</summary>
    public int PayloadOffset { get; init; }

    /// <summary>Whether the extension uses the one-byte form (RFC 8285 §4.2).</summary>
    public bool HasOneByteExtensions => HasExtension && ExtensionProfile == OneByteExtensionProfile;

    /// <summary>Whether the extension uses the two-byte form (RFC 8285 §4.3): profile 0x100 and four app bits.</summary>
    public bool HasTwoByteExtensions => HasExtension && (ExtensionProfile & 0xFFF0) == 0x1000;

    /// <summary>Reads the header of <paramref name="packet"/>; never throws and never allocates.</summary>
    public static RtpParseResult Read(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedHeaderLength)
        {
            return RtpParseResult.TooShort;
        }

        var first = packet[0];
        if (first >> 6 != 2)
        {
            return RtpParseResult.BadVersion;
        }

        var csrcCount = first & 0x0F;
        var offset = FixedHeaderLength + (4 * csrcCount);
        if (offset > packet.Length)
        {
            return RtpParseResult.CsrcOverrun;
        }

        var hasExtension = (first & 0x10) != 0;
        int profile = 0, extensionOffset = 0, extensionLength = 0;
        if (hasExtension)
        {
            if (packet.Length - offset < 4)
            {
                return RtpParseResult.ExtensionOverrun;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            extensionOffset = offset + 4;
            if (extensionLength > packet.Length - extensionOffset)
            {
                return RtpParseResult.ExtensionOverrun;
            }

            offset = extensionOffset + extensionLength;
        }

        header = new RtpHeader
        {
            Version = 2,
            HasPadding = (first & 0x20) != 0,
            HasExtension = hasExtension,
            CsrcCount = csrcCount,
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = packet[1] & 0x7F,
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            ExtensionProfile = profile,
            ExtensionOffset = extensionOffset,
            ExtensionLength = extensionLength,
            PayloadOffset = offset,
        };
        return RtpParseResult.Ok;
    }

    /// <summary>The CSRC at <paramref name="index"/> (0 to <see cref="CsrcCount"/> - 1).</summary>
    public uint GetCsrc(ReadOnlySpan<byte> packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedHeaderLength + (4 * index))..]);
    }

    /// <summary>
    /// The payload of a plaintext (decrypted) packet without its padding. False when the padding count is 0
    /// or larger than the payload (RFC 3550 §5.1).
    /// </summary>
    public bool TryGetPayload(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (PayloadOffset > packet.Length || PayloadOffset < FixedHeaderLength)
        {
            return false;
        }

        var end = packet.Length;
        if (HasPadding)
        {
            if (end == PayloadOffset)
            {
                return false;
            }

            var padding = packet[end - 1];
            if (padding == 0 || padding > end - PayloadOffset)
            {
                return false;
            }

            end -= padding;
        }

        payload = packet[PayloadOffset..end];
        return true;
    }

    /// <summary>Walks the RFC 8285 extension elements (one-byte or two-byte form); none for other profiles.</summary>
    public RtpHeaderExtensionEnumerator EnumerateExtensions(ReadOnlySpan<byte> packet)
    {
        if (!HasOneByteExtensions && !HasTwoByteExtensions)
        {
            return default;
        }

        if (ExtensionOffset + ExtensionLength > packet.Length)
        {
            return default;
        }

        return new RtpHeaderExtensionEnumerator(packet.Slice(ExtensionOffset, ExtensionLength), HasTwoByteExtensions);
    }

    /// <summary>The value of the extension element with local identifier <paramref name="id"/>, if present.</summary>
    public bool TryGetExtension(ReadOnlySpan<byte> packet, int id, out ReadOnlySpan<byte> value)
    {
        foreach (var element in EnumerateExtensions(packet))
        {
            if (element.Id == id)
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The client-to-mixer audio level (RFC 6464) carried under extension <paramref name="id"/>.</summary>
    public bool TryGetAudioLevel(ReadOnlySpan<byte> packet, int id, out AudioLevel level)
    {
        if (TryGetExtension(packet, id, out var value))
        {
            return AudioLevel.TryRead(value, out level);
        }

        level = default;
        return false;
    }
}

/// <summary>One RTP header extension element (RFC 8285): its local identifier and value.</summary>
public readonly ref struct RtpHeaderExtension
{
    internal RtpHeaderExtension(int id, ReadOnlySpan<byte> value)
    {
        Id = id;
        Value = value;
    }

    /// <summary>The local identifier negotiated with a=extmap (1 to 14 one-byte, 1 to 255 two-byte).</summary>
    public int Id { get; }

    /// <summary>The element's data.</summary>
    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>Walks RFC 8285 extension elements, skipping padding; stops at a malformed element.</summary>
public ref struct RtpHeaderExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _twoByte;
    private int _position;

    internal RtpHeaderExtensionEnumerator(ReadOnlySpan<byte> data, bool twoByte)
    {
        _data = data;
        _twoByte = twoByte;
        _position = 0;
        Current = default;
    }

    /// <summary>The element at the current position.</summary>
    public RtpHeaderExtension Current { get; private set; }

    /// <summary>Enables <c>foreach</c>.</summary>
    public readonly RtpHeaderExtensionEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next element; false at the end or at the first malformed one.</summary>
    public bool MoveNext()
    {
        while (_position < _data.Length)
        {
            int id;
            int length;
            if (_twoByte)
            {
                id = _data[_position];
                if (id == 0)
                {
                    // A padding byte (RFC 8285 §4.3).
                    _position++;
                    continue;
                }

                if (_data.Length - _position < 2)
                {
                    break;
                }

                length = _data[_position + 1];
                _position += 2;
            }
            else
            {
                var b = _data[_position];
                id = b >> 4;
                if (id == 0)
                {
                    // A padding byte (RFC 8285 §4.2).
                    _position++;
                    continue;
                }

                if (id == 15)
                {
                    // Reserved: processing of the whole extension stops here.
                    break;
                }

                length = (b & 0x0F) + 1;
                _position++;
            }

            if (length > _data.Length - _position)
            {
                break;
            }

            Current = new RtpHeaderExtension(id, _data.Slice(_position, length));
            _position += length;
            return true;
        }

        _position = _data.Length;
        return false;
    }
}
