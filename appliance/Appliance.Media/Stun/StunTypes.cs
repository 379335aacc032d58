namespace Appliance.Media.Stun;

/// <summary>Fixed numbers of the STUN wire format (RFC 8489 §5).</summary>
public static class StunConstants
{
    /// <summary>The magic cookie every RFC 5389/8489 message carries in bytes 4 to 7.</summary>
    public const uint MagicCookie = 0x2112A442;

    /// <summary>Length of the STUN header: type, length, magic cookie and transaction ID.</summary>
    public const int HeaderLength = 20;

    /// <summary>Length of the transaction ID.</summary>
    public const int TransactionIdLength = 12;

    /// <summary>
    /// The largest message accepted. RFC 8489 §6.1 asks senders to stay under the path MTU (548 bytes when
    /// it is unknown); we accept anything that fits an Ethernet-sized datagram and refuse the rest unread.
    /// </summary>
    public const int MaxMessageLength = 1500;

    /// <summary>XOR value applied to the CRC-32 of the FINGERPRINT attribute (RFC 8489 §14.7).</summary>
    public const uint FingerprintXor = 0x5354554E;

    /// <summary>Length of the HMAC-SHA1 value of MESSAGE-INTEGRITY.</summary>
    public const int MessageIntegrityLength = 20;
}

/// <summary>The class of a STUN message (RFC 8489 §5): the C1 and C0 bits of its type.</summary>
public enum StunMessageClass
{
    /// <summary>A request, which expects a response.</summary>
    Request = 0,

    /// <summary>An indication, which expects none.</summary>
    Indication = 1,

    /// <summary>A success response.</summary>
    SuccessResponse = 2,

    /// <summary>An error response.</summary>
    ErrorResponse = 3,
}

/// <summary>The STUN message types the media plane speaks: the Binding method in its four classes.</summary>
public enum StunMessageType
{
    /// <summary>Binding request (0x0001): an ICE connectivity or consent check.</summary>
    BindingRequest = 0x0001,

    /// <summary>Binding indication (0x0011): a keep-alive that expects no answer.</summary>
    BindingIndication = 0x0011,

    /// <summary>Binding success response (0x0101).</summary>
    BindingSuccessResponse = 0x0101,

    /// <summary>Binding error response (0x0111).</summary>
    BindingErrorResponse = 0x0111,
}

/// <summary>STUN attribute types (IANA "STUN Attributes" registry) that this code reads or writes.</summary>
public enum StunAttributeType
{
    /// <summary>MAPPED-ADDRESS (RFC 8489 §14.1).</summary>
    MappedAddress = 0x0001,

    /// <summary>USERNAME (RFC 8489 §14.3); for ICE "receiver-ufrag:sender-ufrag".</summary>
    Username = 0x0006,

    /// <summary>MESSAGE-INTEGRITY, HMAC-SHA1 (RFC 8489 §14.5).</summary>
    MessageIntegrity = 0x0008,

    /// <summary>ERROR-CODE (RFC 8489 §14.8).</summary>
    ErrorCode = 0x0009,

    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489 §14.13).</summary>
    UnknownAttributes = 0x000A,

    /// <summary>REALM (RFC 8489 §14.9), long-term credentials only.</summary>
    Realm = 0x0014,

    /// <summary>NONCE (RFC 8489 §14.10), long-term credentials only.</summary>
    Nonce = 0x0015,

    /// <summary>MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).</summary>
    MessageIntegritySha256 = 0x001C,

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 §14.2).</summary>
    XorMappedAddress = 0x0020,

    /// <summary>PRIORITY (RFC 8445 §16.1).</summary>
    Priority = 0x0024,

    /// <summary>USE-CANDIDATE (RFC 8445 §16.1).</summary>
    UseCandidate = 0x0025,

    /// <summary>SOFTWARE (RFC 8489 §14.14).</summary>
    Software = 0x8022,

    /// <summary>FINGERPRINT (RFC 8489 §14.7).</summary>
    Fingerprint = 0x8028,

    /// <summary>ICE-CONTROLLED (RFC 8445 §16.1).</summary>
    IceControlled = 0x8029,

    /// <summary>ICE-CONTROLLING (RFC 8445 §16.1).</summary>
    IceControlling = 0x802A,
}

/// <summary>The error codes the media plane sends (RFC 8489 §14.8, RFC 8445 §7.3.1.1).</summary>
public enum StunErrorCode
{
    /// <summary>400 Bad Request: malformed, or missing USERNAME or MESSAGE-INTEGRITY.</summary>
    BadRequest = 400,

    /// <summary>401 Unauthorized: unknown username or wrong MESSAGE-INTEGRITY.</summary>
    Unauthorized = 401,

    /// <summary>420 Unknown Attribute: a comprehension-required attribute we do not understand.</summary>
    UnknownAttribute = 420,

    /// <summary>487 Role Conflict (ICE): both agents claim the same role.</summary>
    RoleConflict = 487,

    /// <summary>500 Server Error.</summary>
    ServerError = 500,
}

/// <summary>Why a datagram was not accepted as a STUN message. Network input is never an exception.</summary>
public enum StunParseResult
{
    /// <summary>A well-formed STUN message.</summary>
    Ok,

    /// <summary>Shorter than the 20-byte header.</summary>
    TooShort,

    /// <summary>Longer than <see cref="StunConstants.MaxMessageLength"/>.</summary>
    TooLong,

    /// <summary>The first two bits are not zero: not STUN (RFC 7983 would send it elsewhere).</summary>
    NotStun,

    /// <summary>The magic cookie is not 0x2112A442 (an RFC 3489 message, or not STUN).</summary>
    BadMagicCookie,

    /// <summary>The header's length field is not a multiple of four.</summary>
    LengthNotMultipleOfFour,

    /// <summary>The header's length field does not match the datagram.</summary>
    LengthMismatch,

    /// <summary>An attribute's length, with its padding, runs past the end of the message.</summary>
    AttributeOverrun,

    /// <summary>A known attribute has a value of the wrong length or content.</summary>
    MalformedAttribute,

    /// <summary>An attribute follows FINGERPRINT, which must be last (RFC 8489 §14.7).</summary>
    AttributeAfterFingerprint,
}
