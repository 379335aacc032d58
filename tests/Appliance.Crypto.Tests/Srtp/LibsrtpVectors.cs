namespace Appliance.Crypto.Tests.Srtp;

/// <summary>
/// Reference packets of libsrtp's test driver (test/srtp_driver.c, srtp_validate and srtp_validate_gcm):
/// what the SRTP library inside Chrome and Firefox produces. Unlike the RFC 7714 vectors they start from a
/// master key, so they also pin the key derivation of both profiles, including GCM's 12-byte master salt.
/// Both protect SRTP with SSRC 0xcafebabe, SEQ 0x1234, ROC 0, and the first SRTCP packet with index 1
/// (libsrtp counts SRTCP from 1; the index is carried in the packet, so receivers need not agree).
/// </summary>
internal static class LibsrtpVectors
{
    public const string RtpPacket = "800f1234 decafbad cafebabe abababab abababab abababab abababab";

    public const string RtcpPacket = "81c8000b cafebabe abababab abababab abababab abababab";

    public const uint SrtcpIndex = 1;

    // srtp_validate: test_key, the RFC 3711 B.3 master key and salt, AES_CM_128_HMAC_SHA1_80.
    public const string AesCmMasterKey = "e1f97a0d 3e018be0 d64fa32c 06de4139";
    public const string AesCmMasterSalt = "0ec675ad 498afeeb b6960b3a abe6";

    public const string AesCmProtectedRtpPacket =
        "800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb";

    public const string AesCmProtectedRtcpPacket =
        "81c8000b cafebabe 7128035b e487b9bd bef89041 f977a5a8 80000001 993e08cd 54d6c123 0798";

    // srtp_validate_gcm: test_key_gcm, AEAD_AES_128_GCM with a 16-byte tag.
    public const string GcmMasterKey = "00010203 04050607 08090a0b 0c0d0e0f";
    public const string GcmMasterSalt = "a0a1a2a3 a4a5a6a7 a8a9aaab";

    public const string GcmProtectedRtpPacket =
        "800f1234 decafbad cafebabe c5002ede 04cfdd2e b91159e0 880aa06e d2976826 f796b201 df3131a1 27e8a392";

    public const string GcmProtectedRtcpPacket =
        "81c8000b cafebabe c98b8b5d f0392a55 852b6c21 ac8e7025 c52c6fbe a2b3b446 ea31123b a88ce61e 80000001";
}
