using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Appliance.Media.Stun;

/// <summary>
/// A validated view of one STUN message (RFC 8489, formerly RFC 5389) in a received datagram. Reading
/// never allocates and never throws for bad input: <see cref="Parse"/> says why a datagram was refused.
/// </summary>
/// <remarks>
/// Only the first occurrence of an attribute counts. Attributes after MESSAGE-INTEGRITY other than
/// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT, are
/// ignored as RFC 8489 §14.5 and §14.6 require; anything after FINGERPRINT refuses the message. The
/// integrity and fingerprint values are found here but checked only when asked
/// (<see cref="VerifyMessageIntegrity"/>, <see cref="VerifyFingerprint"/>), because only the caller
/// knows the key.
/// </remarks>
public readonly ref struct StunMessage
{
    /// <summary>At most this many unknown comprehension-required attribute types are kept for a 420 answer.</summary>
    public const int MaxReportedUnknownAttributes = 8;

    private readonly ReadOnlySpan<byte> _message;
    private readonly int _usernameOffset;
    private readonly int _usernameLength;
    private readonly int _softwareOffset;
    private readonly int _softwareLength;
    private readonly int _integrityOffset;
    private readonly int _integritySha256Offset;
    private readonly int _integritySha256Length;
    private readonly int _fingerprintOffset;
    private readonly int _xorMappedAddressOffset;
    private readonly int _xorMappedAddressLength;
    private readonly int _errorCodeOffset;
    private readonly int _errorCodeLength;
    private readonly UnknownAttributeTypes _unknown;

    // Offsets point at an attribute's header; 0 means absent (no attribute can start inside the header).
    private StunMessage(
        ReadOnlySpan<byte> message,
        scoped in Found found)
    {
        _message = message;
        _usernameOffset = found.UsernameOffset;
        _usernameLength = found.UsernameLength;
        _softwareOffset = found.SoftwareOffset;
        _softwareLength = found.SoftwareLength;
        _integrityOffset = found.IntegrityOffset;
        _integritySha256Offset = found.IntegritySha256Offset;
        _integritySha256Length = found.IntegritySha256Length;
        _fingerprintOffset = found.FingerprintOffset;
        _xorMappedAddressOffset = found.XorMappedAddressOffset;
        _xorMappedAddressLength = found.XorMappedAddressLength;
        _errorCodeOffset = found.ErrorCodeOffset;
        _errorCodeLength = found.ErrorCodeLength;
        _unknown = found.Unknown;
        UnknownComprehensionRequiredCount = found.UnknownCount;
        HasPriority = found.HasPriority;
        Priority = found.Priority;
        UseCandidate = found.UseCandidate;
        HasIceControlling = found.HasIceControlling;
        IceControlling = found.IceControlling;
        HasIceControlled = found.HasIceControlled;
        IceControlled = found.IceControlled;
    }

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Bytes => _message;

    /// <summary>The 14-bit message type (method and class), as on the wire.</summary>
    public int RawType => BinaryPrimitives.ReadUInt16BigEndian(_message);

    /// <summary>The message type; a value outside <see cref="StunMessageType"/> for other methods.</summary>
    public StunMessageType Type => (StunMessageType)RawType;

    /// <summary>The method (RFC 8489 §5): the type with the class bits taken out; Binding is 0x001.</summary>
    public int Method
    {
        get
        {
            var type = RawType;
            return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
        }
    }

    /// <summary>The class: request, indication, success or error response.</summary>
    public StunMessageClass Class
    {
        get
        {
            var type = RawType;
            return (StunMessageClass)(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
        }
    }

    /// <summary>The 96-bit transaction ID.</summary>
    public ReadOnlySpan<byte> TransactionId => _message.Slice(8, StunConstants.TransactionIdLength);

    /// <summary>Whether USERNAME is present.</summary>
    public bool HasUsername => _usernameOffset != 0;

    /// <summary>The USERNAME value (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Username => Value(_usernameOffset, _usernameLength);

    /// <summary>The SOFTWARE value (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Software => Value(_softwareOffset, _softwareLength);

    /// <summary>Whether MESSAGE-INTEGRITY is present.</summary>
    public bool HasMessageIntegrity => _integrityOffset != 0;

    /// <summary>Whether MESSAGE-INTEGRITY-SHA256 is present.</summary>
    public bool HasMessageIntegritySha256 => _integritySha256Offset != 0;

    /// <summary>Whether FINGERPRINT is present (and, as required, last).</summary>
    public bool HasFingerprint => _fingerprintOffset != 0;

    /// <summary>Whether PRIORITY is present.</summary>
    public bool HasPriority { get; }

    /// <summary>The PRIORITY value (RFC 8445 §16.1); 0 when absent.</summary>
    public uint Priority { get; }

    /// <summary>Whether USE-CANDIDATE is present: the controlling agent nominates this pair.</summary>
    public bool UseCandidate { get; }

    /// <summary>Whether ICE-CONTROLLING is present.</summary>
    public bool HasIceControlling { get; }

    /// <summary>The ICE-CONTROLLING tie-breaker; 0 when absent.</summary>
    public ulong IceControlling { get; }

    /// <summary>Whether ICE-CONTROLLED is present.</summary>
    public bool HasIceControlled { get; }

    /// <summary>The ICE-CONTROLLED tie-breaker; 0 when absent.</summary>
    public ulong IceControlled { get; }

    /// <summary>How many comprehension-required attributes (type below 0x8000) this code does not know.</summary>
    public int UnknownComprehensionRequiredCount { get; }

    /// <summary>
    /// Copies the unknown comprehension-required attribute types (at most
    /// <see cref="MaxReportedUnknownAttributes"/>) for an UNKNOWN-ATTRIBUTES answer; returns how many.
    /// </summary>
    public int CopyUnknownComprehensionRequired(Span<ushort> destination)
    {
        var count = Math.Min(Math.Min(UnknownComprehensionRequiredCount, MaxReportedUnknownAttributes), destination.Length);
        ReadOnlySpan<ushort> kept = _unknown;
        kept[..count].CopyTo(destination);
        return count;
    }

    /// <summary>Reads XOR-MAPPED-ADDRESS (RFC 8489 §14.2), IPv4 or IPv6. False when absent.</summary>
    public bool TryGetXorMappedAddress(out TransportAddress address)
    {
        if (_xorMappedAddressOffset == 0)
        {
            address = default;
            return false;
        }

        var value = Value(_xorMappedAddressOffset, _xorMappedAddressLength);
        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(StunConstants.MagicCookie >> 16);
        Span<byte> bytes = stackalloc byte[16];
        if (value[1] == 0x01)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ StunConstants.MagicCookie);
            address = TransportAddress.IPv4(bytes[..4], port);
        }
        else
        {
            // IPv6 is XORed with the magic cookie followed by the transaction ID.
            BinaryPrimitives.WriteUInt32BigEndian(bytes, StunConstants.MagicCookie);
            TransactionId.CopyTo(bytes[4..]);
            for (var i = 0; i < 16; i++)
            {
                bytes[i] ^= value[4 + i];
            }

            address = TransportAddress.IPv6(bytes, port);
        }

        return true;
    }

    /// <summary>Reads ERROR-CODE (RFC 8489 §14.8): the code (300 to 699) and its reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reasonPhrase)
    {
        if (_errorCodeOffset == 0)
        {
            code = 0;
            reasonPhrase = default;
            return false;
        }

        var value = Value(_errorCodeOffset, _errorCodeLength);
        code = ((value[2] & 0x07) * 100) + value[3];
        reasonPhrase = value[4..];
        return true;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY: HMAC-SHA1 with <paramref name="key"/> over the message up to the attribute,
    /// the header's length field set as if the message ended with it (RFC 8489 §14.5, RFC 5389 §15.4).
    /// For ICE and other short-term credentials the key is the password's UTF-8 bytes. Constant-time compare.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset == 0 || key.IsEmpty)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        ComputeIntegrity(_message, _integrityOffset, StunConstants.MessageIntegrityLength, key, sha256: false, mac);
        return CryptographicOperations.FixedTimeEquals(mac, Value(_integrityOffset, StunConstants.MessageIntegrityLength));
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6), which may carry a truncated HMAC-SHA256 of 16 to 32
    /// bytes; the length field is adjusted to end with that attribute. Constant-time compare.
    /// </summary>
    public bool VerifyMessageIntegritySha256(ReadOnlySpan<byte> key)
    {
        if (_integritySha256Offset == 0 || key.IsEmpty)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeIntegrity(_message, _integritySha256Offset, _integritySha256Length, key, sha256: true, mac);
        return CryptographicOperations.FixedTimeEquals(
            mac[.._integritySha256Length], Value(_integritySha256Offset, _integritySha256Length));
    }

    /// <summary>
    /// Checks FINGERPRINT: CRC-32 of the message up to the attribute, XOR 0x5354554E (RFC 8489 §14.7,
    /// RFC 5389 §15.5). FINGERPRINT is always last, so the length field already counts it.
    /// </summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset == 0)
        {
            return false;
        }

        var expected = Crc32.Compute(_message[.._fingerprintOffset]) ^ StunConstants.FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(Value(_fingerprintOffset, 4)) == expected;
    }

    /// <summary>Walks every attribute in order, including ignored and unknown ones.</summary>
    public StunAttributeEnumerator EnumerateAttributes() => new(_message);

    /// <summary>
    /// Validates <paramref name="datagram"/> as one STUN message. On <see cref="StunParseResult.Ok"/>,
    /// <paramref name="message"/> is a view over the same bytes; otherwise it is empty.
    /// </summary>
    public static StunParseResult Parse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (datagram.Length < StunConstants.HeaderLength)
        {
            return StunParseResult.TooShort;
        }

        if (datagram.Length > StunConstants.MaxMessageLength)
        {
            return StunParseResult.TooLong;
        }

        if ((datagram[0] & 0xC0) != 0)
        {
            return StunParseResult.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != StunConstants.MagicCookie)
        {
            return StunParseResult.BadMagicCookie;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0)
        {
            return StunParseResult.LengthNotMultipleOfFour;
        }

        if (StunConstants.HeaderLength + length != datagram.Length)
        {
            return StunParseResult.LengthMismatch;
        }

        var found = default(Found);
        var afterIntegrity = false;
        var afterIntegritySha256 = false;
        var offset = StunConstants.HeaderLength;
        while (offset < datagram.Length)
        {
            if (found.FingerprintOffset != 0)
            {
                return StunParseResult.AttributeAfterFingerprint;
            }

            // The message length is a multiple of four, so a whole attribute header always fits here.
            var type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            var padded = (valueLength + 3) & ~3;
            if (padded > datagram.Length - offset - 4)
            {
                return StunParseResult.AttributeOverrun;
            }

            var value = datagram.Slice(offset + 4, valueLength);
            var ignored = afterIntegritySha256
                ? type != (ushort)StunAttributeType.Fingerprint
                : afterIntegrity && type != (ushort)StunAttributeType.Fingerprint
                    && type != (ushort)StunAttributeType.MessageIntegritySha256;
            if (!ignored && !Record(type, offset, value, ref found, ref afterIntegrity, ref afterIntegritySha256))
            {
                return StunParseResult.MalformedAttribute;
            }

            offset += 4 + padded;
        }

        message = new StunMessage(datagram, found);
        return StunParseResult.Ok;
    }

    // Notes one attribute; false when a known attribute's value is malformed.
    private static bool Record(
        ushort type, int offset, ReadOnlySpan<byte> value, ref Found found, ref bool afterIntegrity, ref bool afterIntegritySha256)
    {
        switch ((StunAttributeType)type)
        {
            case StunAttributeType.Username:
                // RFC 5389 §15.3 allows fewer than 513 bytes (RFC 8489 narrows it to 509).
                if (value.Length > 512)
                {
                    return false;
                }

                if (found.UsernameOffset == 0)
                {
                    (found.UsernameOffset, found.UsernameLength) = (offset, value.Length);
                }

                return true;
            case StunAttributeType.Software:
                if (found.SoftwareOffset == 0)
                {
                    (found.SoftwareOffset, found.SoftwareLength) = (offset, value.Length);
                }

                return true;
            case StunAttributeType.MessageIntegrity:
                if (value.Length != StunConstants.MessageIntegrityLength)
                {
                    return false;
                }

                found.IntegrityOffset = offset;
                afterIntegrity = true;
                return true;
            case StunAttributeType.MessageIntegritySha256:
                if (value.Length < 16 || value.Length > 32 || (value.Length & 3) != 0)
                {
                    return false;
                }

                (found.IntegritySha256Offset, found.IntegritySha256Length) = (offset, value.Length);
                afterIntegritySha256 = true;
                return true;
            case StunAttributeType.Fingerprint:
                if (value.Length != 4)
                {
                    return false;
                }

                found.FingerprintOffset = offset;
                return true;
            case StunAttributeType.XorMappedAddress:
                var wellFormed = value.Length >= 4 && value[0] == 0
                    && ((value[1] == 0x01 && value.Length == 8) || (value[1] == 0x02 && value.Length == 20));
                if (!wellFormed)
                {
                    return false;
                }

                if (found.XorMappedAddressOffset == 0)
                {
                    (found.XorMappedAddressOffset, found.XorMappedAddressLength) = (offset, value.Length);
                }

                return true;
            case StunAttributeType.ErrorCode:
                // Class 3 to 6 in the low three bits of byte 2, number 0 to 99 in byte 3; reason at most 763 bytes.
                if (value.Length < 4 || value.Length > 4 + 763 || (value[2] & 0x07) < 3 || (value[2] & 0x07) > 6 || value[3] > 99)
                {
                    return false;
                }

                if (found.ErrorCodeOffset == 0)
                {
                    (found.ErrorCodeOffset, found.ErrorCodeLength) = (offset, value.Length);
                }

                return true;
            case StunAttributeType.Priority:
                if (value.Length != 4)
                {
                    return false;
                }

                if (!found.HasPriority)
                {
                    (found.HasPriority, found.Priority) = (true, BinaryPrimitives.ReadUInt32BigEndian(value));
                }

                return true;
            case StunAttributeType.UseCandidate:
                if (value.Length != 0)
                {
                    return false;
                }

                found.UseCandidate = true;
                return true;
            case StunAttributeType.IceControlling:
                if (value.Length != 8)
                {
                    return false;
                }

                if (!found.HasIceControlling)
                {
                    (found.HasIceControlling, found.IceControlling) = (true, BinaryPrimitives.ReadUInt64BigEndian(value));
                }

                return true;
            case StunAttributeType.IceControlled:
                if (value.Length != 8)
                {
                    return false;
                }

                if (!found.HasIceControlled)
                {
                    (found.HasIceControlled, found.IceControlled) = (true, BinaryPrimitives.ReadUInt64BigEndian(value));
                }

                return true;
            case StunAttributeType.MappedAddress:
            case StunAttributeType.UnknownAttributes:
            case StunAttributeType.Realm:
            case StunAttributeType.Nonce:
                // Understood, and not needed by an ICE-lite server.
                return true;
            default:
                if (type < 0x8000)
                {
                    if (found.UnknownCount < MaxReportedUnknownAttributes)
                    {
                        found.Unknown[found.UnknownCount] = type;
                    }

                    found.UnknownCount++;
                }

                return true;
        }
    }

    private ReadOnlySpan<byte> Value(int attributeOffset, int length) =>
        attributeOffset == 0 ? default : _message.Slice(attributeOffset + 4, length);

    // HMAC over message[..attributeOffset] with the length field rewritten to end after this attribute.
    internal static void ComputeIntegrity(
        ReadOnlySpan<byte> message, int attributeOffset, int valueLength, ReadOnlySpan<byte> key, bool sha256, Span<byte> mac)
    {
        Span<byte> covered = stackalloc byte[StunConstants.MaxMessageLength];
        covered = covered[..attributeOffset];
        message[..attributeOffset].CopyTo(covered);
        BinaryPrimitives.WriteUInt16BigEndian(
            covered[2..], (ushort)(attributeOffset + 4 + valueLength - StunConstants.HeaderLength));
        if (sha256)
        {
            HMACSHA256.HashData(key, covered, mac);
        }
        else
        {
            // RFC 8489 §14.5 fixes HMAC-SHA1 for MESSAGE-INTEGRITY; every browser's ICE agent sends it.
#pragma warning disable CA5350
            HMACSHA1.HashData(key, covered, mac);
#pragma warning restore CA5350
        }
    }

    // What the attribute walk found; copied into the view when the walk succeeds.
    private struct Found
    {
        public int UsernameOffset;
        public int UsernameLength;
        public int SoftwareOffset;
        public int SoftwareLength;
        public int IntegrityOffset;
        public int IntegritySha256Offset;
        public int IntegritySha256Length;
        public int FingerprintOffset;
        public int XorMappedAddressOffset;
        public int XorMappedAddressLength;
        public int ErrorCodeOffset;
        public int ErrorCodeLength;
        public bool HasPriority;
        public uint Priority;
        public bool UseCandidate;
        public bool HasIceControlling;
        public ulong IceControlling;
        public bool HasIceControlled;
        public ulong IceControlled;
        public UnknownAttributeTypes Unknown;
        public int UnknownCount;
    }

    [InlineArray(MaxReportedUnknownAttributes)]
    private struct UnknownAttributeTypes
    {
        private ushort _first;
    }
}

/// <summary>One attribute of a STUN message: its type and its value without padding.</summary>
public readonly ref struct StunAttributeEntry
{
    internal StunAttributeEntry(int type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The attribute type as on the wire; compare with <see cref="StunAttributeType"/>.</summary>
    public int Type { get; }

    /// <summary>The value, without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Whether a receiver that does not know this type must refuse the message (type below 0x8000).</summary>
    public bool IsComprehensionRequired => Type < 0x8000;
}

/// <summary>Walks the attributes of a message that <see cref="StunMessage.Parse"/> accepted.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _message;
    private int _next;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> message)
    {
        _message = message;
        _next = message.IsEmpty ? 0 : StunConstants.HeaderLength;
        Current = default;
    }

    /// <summary>The attribute at the current position.</summary>
    public StunAttributeEntry Current { get; private set; }

    /// <summary>Enables <c>foreach</c>.</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next attribute; false at the end.</summary>
    public bool MoveNext()
    {
        if (_next == 0 || _message.Length - _next < 4)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(_message[_next..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(_next + 2)..]);
        var padded = (length + 3) & ~3;
        if (padded > _message.Length - _next - 4)
        {
            _next = 0;
            return false;
        }

        Current = new StunAttributeEntry(type, _message.Slice(_next + 4, length));
        _next += 4 + padded;
        return true;
    }
}
