namespace Appliance.Crypto.Dtls;

/// <summary>What a completed DTLS-SRTP handshake gives the SRTP layer.</summary>
/// <param name="ProtectionProfile">The negotiated profile, one of <see cref="DtlsSrtpProfiles"/> (1 = AES_CM_128_HMAC_SHA1_80, 7 = AEAD_AES_128_GCM).</param>
/// <param name="KeyingMaterial">
/// The exporter output for "EXTRACTOR-dtls_srtp", laid out as RFC 5764 section 4.2 says:
/// client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt |
/// server_write_SRTP_master_salt. The appliance is the DTLS server, so it decrypts with the client's key and
/// salt and encrypts with the server's. It is secret: derive the SRTP contexts, then zero it.
/// </param>
/// <param name="RemoteFingerprint">The verified SHA-256 fingerprint of the peer's certificate, "AB:CD:...".</param>
public sealed record DtlsSrtpResult(int ProtectionProfile, byte[] KeyingMaterial, string RemoteFingerprint)
{
    /// <summary>Names the profile only: keys and fingerprints stay out of logs.</summary>
    public override string ToString() => $"DtlsSrtpResult {{ ProtectionProfile = {ProtectionProfile} }}";
}
