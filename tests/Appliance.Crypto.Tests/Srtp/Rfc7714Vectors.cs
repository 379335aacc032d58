namespace Appliance.Crypto.Tests.Srtp;

/// <summary>
/// Test vectors of RFC 7714 §16 (SRTP) and §17 (SRTCP) for AEAD_AES_128_GCM. They give the session key and
/// salt directly, so they exercise the packet transform, not the key derivation.
/// </summary>
internal static class Rfc7714Vectors
{
    // RFC 7714 §16: "00 01 02 ... 0f" and the salt, the ASCII "Quid pro quo".
    public const string SessionKey = "000102030405060708090a0b0c0d0e0f";
    public const string SessionSalt = "51756964 2070726f 2071756f";

    // RFC 7714 §16: the RTP packet every §16 example protects (SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0,
    // payload "Gallia est omnis divisa in partes tres").
    public const string RtpPacket =
        "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976"
        + " 69736120 696e2070 61727465 73207472 6573";

    public const uint RtpSsrc = 0x5501a0b2;
    public const ushort RtpSequenceNumber = 0xf17b;

    // RFC 7714 §16.1.1: the IV (salt XOR 00 00 || SSRC || ROC || SEQ).
    public const string RtpIv = "51753c65 80c2726f 20718414";

    // RFC 7714 §16.1.1: "Encrypted and tagged packet"; §16.1.2 decrypts the same octets back.
    public const string ProtectedRtpPacket =
        "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5"
        + " 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439"
        + " 0cce";

    // RFC 7714 §17: the RTCP compound packet §17.1 to §17.4 protect (sender SSRC "Mars"), at SRTCP index 0x5d4.
    public const string RtcpPacket =
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
        + " deadbeef deadbeef deadbeef deadbeef deadbeef";

    public const uint SrtcpIndex = 0x000005d4;

    // RFC 7714 §17: the IV (salt XOR 00 00 || SSRC || 00 00 || 0 || SRTCP index).
    public const string RtcpIv = "51752405 5203726f 207170bb";

    // RFC 7714 §17.1, SRTCP AEAD_AES_128_GCM encryption: header, ciphertext, tag, then E=1 and the index.
    public const string EncryptedRtcpPacket =
        "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d"
        + " c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872"
        + " 45d9eade 800005d4";

    // RFC 7714 §17.3, SRTCP AEAD_AES_128_GCM tagging only: the packet in the clear, tag, then E=0 and the index.
    public const string TaggedRtcpPacket =
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
        + " deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790"
        + " 125f62b3 000005d4";
}
