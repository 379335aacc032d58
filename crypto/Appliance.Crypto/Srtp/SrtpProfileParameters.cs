namespace Appliance.Crypto.Srtp;

/// <summary>The key, salt and tag sizes each <see cref="SrtpProfile"/> fixes (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public static class SrtpProfileParameters
{
    /// <summary>Length of the SRTCP trailer word that carries the E flag and the 31-bit SRTCP index.</summary>
    public const int SrtcpIndexLength = 4;

    /// <summary>
    /// Maps a protection profile identifier negotiated in DTLS use_srtp to a profile this library
    /// implements; false for any other identifier.
    /// </summary>
    public static bool TryFromProtectionProfileId(int protectionProfileId, out SrtpProfile profile)
    {
        switch (protectionProfileId)
        {
            case (int)SrtpProfile.AesCm128HmacSha1_80:
                profile = SrtpProfile.AesCm128HmacSha1_80;
                return true;
            case (int)SrtpProfile.AeadAes128Gcm:
                profile = SrtpProfile.AeadAes128Gcm;
                return true;
            default:
                profile = default;
                return false;
        }
    }

    extension(SrtpProfile profile)
    {
        /// <summary>Length in bytes of the master key.</summary>
        public int MasterKeyLength => profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => 16,
            SrtpProfile.AeadAes128Gcm => 16,
            _ => throw Unknown(profile),
        };

        /// <summary>Length in bytes of the master salt (and of the derived session salt).</summary>
        public int MasterSaltLength => profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => 14,
            SrtpProfile.AeadAes128Gcm => 12,
            _ => throw Unknown(profile),
        };

        /// <summary>Length in bytes of the authentication tag appended to SRTP and SRTCP packets.</summary>
        public int AuthTagLength => profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => 10,
            SrtpProfile.AeadAes128Gcm => 16,
            _ => throw Unknown(profile),
        };

        /// <summary>Bytes protecting an RTP packet adds: the tag.</summary>
        public int RtpOverhead => profile.AuthTagLength;

        /// <summary>Bytes protecting an RTCP packet adds: the tag and the E flag with the SRTCP index.</summary>
        public int RtcpOverhead => profile.AuthTagLength + SrtcpIndexLength;

        /// <summary>
        /// Length of the keying material to export from DTLS with the label
        /// <see cref="SrtpKeys.DtlsExporterLabel"/>: two master keys and two master salts (RFC 5764 §4.2).
        /// </summary>
        public int DtlsKeyingMaterialLength => 2 * (profile.MasterKeyLength + profile.MasterSaltLength);
    }

    private static ArgumentOutOfRangeException Unknown(SrtpProfile profile) =>
        new(nameof(profile), profile, "Not an SRTP protection profile this library implements.");
}
