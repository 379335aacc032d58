namespace Appliance.Crypto.Srtp;

/// <summary>
/// The cryptographic half of one profile, keyed with the session keys of one direction: it encrypts and
/// tags, or verifies and decrypts, packets whose header, SSRC and index the session has already worked out.
/// Every method works in place and allocates nothing.
/// </summary>
internal interface ISrtpTransform : IDisposable
{
    /// <summary>Length of the tag after an SRTP packet.</summary>
    int RtpTagLength { get; }

    /// <summary>Offset of the E flag and SRTCP index word in a protected SRTCP packet of that length.</summary>
    int SrtcpIndexOffset(int protectedLength);

    /// <summary>
    /// Encrypts the payload of the RTP packet that fills <paramref name="packet"/> but for its last
    /// <see cref="RtpTagLength"/> bytes, and writes the tag there.
    /// </summary>
    void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, long index);

    /// <summary>Verifies the tag at the end of <paramref name="packet"/> and only then decrypts the payload.</summary>
    bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, long index);

    /// <summary>
    /// Protects the RTCP packet that fills <paramref name="packet"/> but for its last RtcpOverhead bytes,
    /// writing the tag and the E flag with <paramref name="srtcpIndex"/> there.
    /// </summary>
    void ProtectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypt);

    /// <summary>Verifies a protected SRTCP packet and, when it was sent encrypted, decrypts it.</summary>
    bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint srtcpIndex, bool encrypted);
}
