using System.Diagnostics.CodeAnalysis;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// The SRTP protection profiles the appliance negotiates in DTLS-SRTP's use_srtp extension. The values are
/// the profile identifiers of the IANA registry (RFC 5764 §4.1.2, RFC 7714 §14.2), so a negotiated
/// identifier maps to this type with <see cref="SrtpProfileParameters.TryFromProtectionProfileId"/>.
/// </summary>
[SuppressMessage("Design", "CA1008:Enums should have zero value", Justification = "Values are IANA protection profile ids; 0 is not a profile.")]
public enum SrtpProfile
{
    /// <summary>
    /// SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES-128 in counter mode and an 80-bit HMAC-SHA1 tag
    /// (RFC 3711, RFC 5764). The fallback for peers without GCM.
    /// </summary>
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Mirrors SRTP_AES128_CM_HMAC_SHA1_80; 'Sha180' would read as a hash name.")]
    AesCm128HmacSha1_80 = 1,

    /// <summary>SRTP_AEAD_AES_128_GCM (0x0007): AES-128-GCM with a 128-bit tag (RFC 7714). Preferred.</summary>
    AeadAes128Gcm = 7,
}
