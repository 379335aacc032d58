using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Appliance.Media.Stun;

/// <summary>
/// Builds one STUN message into a caller's buffer without allocating. Start with <see cref="TryBegin(StunMessageType, ReadOnlySpan{byte})"/>,
/// add attributes, and end with <see cref="TryAddMessageIntegrity"/> and <see cref="TryAddFingerprint"/>
/// in that order. Every method returns false, leaving what was written before intact, when the buffer is
/// too small or an argument cannot be encoded.
/// </summary>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>A writer over <paramref name="buffer"/>; the message starts at its first byte.</summary>
    public StunMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
        PaddingByte = 0;
    }

    /// <summary>
    /// The byte that pads attribute values to four bytes. RFC 8489 §14 says zero, the default; RFC 5389
    /// allowed any value, and the RFC 5769 test vectors pad with spaces (0x20).
    /// </summary>
    public byte PaddingByte { get; init; }

    /// <summary>Bytes written so far, header included; 0 before <see cref="TryBegin(StunMessageType, ReadOnlySpan{byte})"/>.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Writes the header of a message of <paramref name="type"/> with a 12-byte transaction ID.</summary>
    public bool TryBegin(StunMessageType type, ReadOnlySpan<byte> transactionId) => TryBegin((int)type, transactionId);

    /// <summary>Writes the header with a raw 14-bit message type.</summary>
    public bool TryBegin(int rawType, ReadOnlySpan<byte> transactionId)
    {
        if (transactionId.Length != StunConstants.TransactionIdLength || (uint)rawType > 0x3FFF
            || _buffer.Length < StunConstants.HeaderLength)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(_buffer, (ushort)rawType);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[4..], StunConstants.MagicCookie);
        transactionId.CopyTo(_buffer[8..]);
        _length = StunConstants.HeaderLength;
        return true;
    }

    /// <summary>Adds an attribute with an arbitrary value, padded to four bytes.</summary>
    public bool TryAddAttribute(StunAttributeType type, ReadOnlySpan<byte> value) => TryAddAttribute((int)type, value);

    /// <summary>Adds an attribute of a raw type with an arbitrary value, padded to four bytes.</summary>
    public bool TryAddAttribute(int type, ReadOnlySpan<byte> value)
    {
        if (!TryReserve(type, value.Length, out var destination))
        {
            return false;
        }

        value.CopyTo(destination);
        return true;
    }

    /// <summary>
    /// Adds XOR-MAPPED-ADDRESS (RFC 8489 §14.2) for <paramref name="address"/>. An IPv4-mapped IPv6
    /// address is written as the IPv4 address it stands for, which is what the peer sees as our view of it.
    /// </summary>
    public bool TryAddXorMappedAddress(in TransportAddress address)
    {
        if (address.Family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || _length == 0)
        {
            return false;
        }

        var ipv4 = address.IsIPv4OrMapped;
        if (!TryReserve((int)StunAttributeType.XorMappedAddress, ipv4 ? 8 : 20, out var value))
        {
            return false;
        }

        value[0] = 0;
        value[1] = ipv4 ? (byte)0x01 : (byte)0x02;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(address.Port ^ (int)(StunConstants.MagicCookie >> 16)));
        if (ipv4)
        {
            address.WriteIPv4Bytes(value[4..]);
            BinaryPrimitives.WriteUInt32BigEndian(
                value[4..], BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ StunConstants.MagicCookie);
        }
        else
        {
            address.WriteAddressBytes(value[4..]);

            // The cookie and the transaction ID are bytes 4 to 19 of the header already written.
            var mask = _buffer.Slice(4, 16);
            for (var i = 0; i < 16; i++)
            {
                value[4 + i] ^= mask[i];
            }
        }

        return true;
    }

    /// <summary>Adds ERROR-CODE (RFC 8489 §14.8): a code from 300 to 699 and a UTF-8 reason phrase.</summary>
    public bool TryAddErrorCode(int code, ReadOnlySpan<byte> reasonPhrase)
    {
        if (code < 300 || code > 699 || reasonPhrase.Length > 763
            || !TryReserve((int)StunAttributeType.ErrorCode, 4 + reasonPhrase.Length, out var value))
        {
            return false;
        }

        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        reasonPhrase.CopyTo(value[4..]);
        return true;
    }

    /// <summary>Adds UNKNOWN-ATTRIBUTES (RFC 8489 §14.13) listing the types a 420 answer refuses.</summary>
    public bool TryAddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        if (!TryReserve((int)StunAttributeType.UnknownAttributes, 2 * types.Length, out var value))
        {
            return false;
        }

        for (var i = 0; i < types.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        }

        return true;
    }

    /// <summary>
    /// Adds MESSAGE-INTEGRITY: HMAC-SHA1 with <paramref name="key"/> over the message so far, with the length
    /// field counting this attribute (RFC 8489 §14.5). For ICE the key is the password's UTF-8 bytes.
    /// </summary>
    public bool TryAddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        var offset = _length;
        if (key.IsEmpty || !TryReserve((int)StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength, out var value))
        {
            return false;
        }

        StunMessage.ComputeIntegrity(_buffer, offset, StunConstants.MessageIntegrityLength, key, sha256: false, value);
        return true;
    }

    /// <summary>Adds MESSAGE-INTEGRITY-SHA256 with the full 32-byte HMAC-SHA256 (RFC 8489 §14.6).</summary>
    public bool TryAddMessageIntegritySha256(ReadOnlySpan<byte> key)
    {
        var offset = _length;
        if (key.IsEmpty || !TryReserve((int)StunAttributeType.MessageIntegritySha256, HMACSHA256.HashSizeInBytes, out var value))
        {
            return false;
        }

        StunMessage.ComputeIntegrity(_buffer, offset, HMACSHA256.HashSizeInBytes, key, sha256: true, value);
        return true;
    }

    /// <summary>Adds FINGERPRINT, which must be the last attribute (RFC 8489 §14.7).</summary>
    public bool TryAddFingerprint()
    {
        var offset = _length;
        if (!TryReserve((int)StunAttributeType.Fingerprint, 4, out var value))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.Compute(_buffer[..offset]) ^ StunConstants.FingerprintXor);
        return true;
    }

    /// <summary>
    /// Writes a whole Binding success response: optional SOFTWARE, XOR-MAPPED-ADDRESS of the requester,
    /// MESSAGE-INTEGRITY with <paramref name="integrityKey"/>, FINGERPRINT. The layout of RFC 5769 §2.2/2.3.
    /// </summary>
    public bool TryWriteBindingSuccess(
        ReadOnlySpan<byte> transactionId, in TransportAddress mapped, ReadOnlySpan<byte> integrityKey, ReadOnlySpan<byte> software = default)
    {
        var written = TryBegin(StunMessageType.BindingSuccessResponse, transactionId)
            && (software.IsEmpty || TryAddAttribute(StunAttributeType.Software, software))
            && TryAddXorMappedAddress(mapped)
            && TryAddMessageIntegrity(integrityKey)
            && TryAddFingerprint();
        return Finish(written);
    }

    /// <summary>
    /// Writes a Binding error response with ERROR-CODE and its standard reason phrase, UNKNOWN-ATTRIBUTES
    /// when given, MESSAGE-INTEGRITY when <paramref name="integrityKey"/> is not empty (only for requests
    /// that were authenticated: 420 and 487), and FINGERPRINT.
    /// </summary>
    public bool TryWriteBindingError(
        ReadOnlySpan<byte> transactionId, StunErrorCode code, ReadOnlySpan<byte> integrityKey, ReadOnlySpan<ushort> unknownAttributes = default)
    {
        var written = TryBegin(StunMessageType.BindingErrorResponse, transactionId)
            && TryAddErrorCode((int)code, ReasonPhrase(code))
            && (unknownAttributes.IsEmpty || TryAddUnknownAttributes(unknownAttributes))
            && (integrityKey.IsEmpty || TryAddMessageIntegrity(integrityKey))
            && TryAddFingerprint();
        return Finish(written);
    }

    /// <summary>The reason phrase RFC 8489 §14.8 and RFC 8445 give for <paramref name="code"/>.</summary>
    public static ReadOnlySpan<byte> ReasonPhrase(StunErrorCode code) => code switch
    {
        StunErrorCode.BadRequest => "Bad Request"u8,
        StunErrorCode.Unauthorized => "Unauthorized"u8,
        StunErrorCode.UnknownAttribute => "Unknown Attribute"u8,
        StunErrorCode.RoleConflict => "Role Conflict"u8,
        StunErrorCode.ServerError => "Server Error"u8,
        _ => default,
    };

    // A half-written message must not be sent: on failure the writer reports nothing written.
    private bool Finish(bool written)
    {
        if (!written)
        {
            _length = 0;
        }

        return written;
    }

    // Writes a type/length header, pads, updates the message length, and hands back the value bytes.
    private bool TryReserve(int type, int valueLength, out Span<byte> value)
    {
        value = default;
        var padded = (valueLength + 3) & ~3;
        if (_length == 0 || (uint)type > ushort.MaxValue || valueLength > ushort.MaxValue
            || padded > _buffer.Length - _length - 4 || _length + 4 + padded - StunConstants.HeaderLength > ushort.MaxValue)
        {
            return false;
        }

        var attribute = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(4 + valueLength)..].Fill(PaddingByte);
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunConstants.HeaderLength));
        value = attribute.Slice(4, valueLength);
        return true;
    }
}
