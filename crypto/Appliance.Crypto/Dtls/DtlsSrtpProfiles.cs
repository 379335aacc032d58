namespace Appliance.Crypto.Dtls;

/// <summary>
/// SRTP protection profile identifiers as the DTLS use_srtp extension carries them (IANA "DTLS-SRTP
/// Protection Profiles"), with the master key and salt lengths each one takes from the DTLS exporter.
/// </summary>
public static class DtlsSrtpProfiles
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 section 4.1.2): AES-128 counter mode, 80-bit HMAC-SHA1 tag.</summary>
    public const int Aes128CmHmacSha1Tag80 = 0x0001;

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764 section 4.1.2): as above with a 32-bit tag.</summary>
    public const int Aes128CmHmacSha1Tag32 = 0x0002;

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714 section 14.2).</summary>
    public const int AeadAes128Gcm = 0x0007;

    /// <summary>SRTP_AEAD_AES_256_GCM (RFC 7714 section 14.2).</summary>
    public const int AeadAes256Gcm = 0x0008;

    /// <summary>The appliance's order of preference: AES-GCM first (cheaper here, see DESIGN.md), then AES-CM.</summary>
    public static IReadOnlyList<int> Preferred { get; } = [AeadAes128Gcm, Aes128CmHmacSha1Tag80];

    /// <summary>Whether the DTLS server knows the key and salt lengths of <paramref name="profile"/>.</summary>
    public static bool IsKnown(int profile) => profile is Aes128CmHmacSha1Tag80 or Aes128CmHmacSha1Tag32 or AeadAes128Gcm or AeadAes256Gcm;

    /// <summary>SRTP master key length in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The profile is not one of this class's constants.</exception>
    public static int MasterKeyLength(int profile) => profile switch
    {
        Aes128CmHmacSha1Tag80 or Aes128CmHmacSha1Tag32 or AeadAes128Gcm => 16,
        AeadAes256Gcm => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>SRTP master salt length in bytes: 14 for AES-CM (RFC 3711), 12 for AES-GCM (RFC 7714).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The profile is not one of this class's constants.</exception>
    public static int MasterSaltLength(int profile) => profile switch
    {
        Aes128CmHmacSha1Tag80 or Aes128CmHmacSha1Tag32 => 14,
        AeadAes128Gcm or AeadAes256Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP protection profile."),
    };

    /// <summary>Bytes to export with "EXTRACTOR-dtls_srtp" (RFC 5764 section 4.2): 2 * (key + salt).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The profile is not one of this class's constants.</exception>
    public static int KeyingMaterialLength(int profile) => 2 * (MasterKeyLength(profile) + MasterSaltLength(profile));
}
