using System.Security.Cryptography;

namespace Appliance.Crypto.E2ee;

/// <summary>The SFrame cipher suites of RFC 9605 §8.1, valued as the registry numbers them.</summary>
public enum SframeSuite : ushort
{
    /// <summary>AES_128_CTR_HMAC_SHA256_80: AES-CTR with an HMAC-SHA256 tag cut to 10 bytes.</summary>
    AesCtr128HmacSha256Tag80 = 0x0001,

    /// <summary>AES_128_CTR_HMAC_SHA256_64: AES-CTR with an HMAC-SHA256 tag cut to 8 bytes.</summary>
    AesCtr128HmacSha256Tag64 = 0x0002,

    /// <summary>AES_128_CTR_HMAC_SHA256_32: AES-CTR with an HMAC-SHA256 tag cut to 4 bytes.</summary>
    AesCtr128HmacSha256Tag32 = 0x0003,

    /// <summary>AES_128_GCM_SHA256_128, the suite the appliance's end-to-end encryption uses.</summary>
    AesGcm128Sha256 = 0x0004,

    /// <summary>AES_256_GCM_SHA512_128.</summary>
    AesGcm256Sha512 = 0x0005,
}

/// <summary>The sizes and hash of a suite (RFC 9605 §4.5 and §8.1).</summary>
internal readonly record struct SframeSuiteParameters(
    SframeSuite Suite, HashAlgorithmName Hash, int KeyLength, int TagLength, bool IsGcm)
{
    /// <summary>Nn: every suite uses 96-bit nonces.</summary>
    public const int NonceLength = 12;

    /// <summary>Nka: the AES-CTR part of a CTR+HMAC key; the rest (Nh bytes) keys the HMAC.</summary>
    public const int CtrEncryptionKeyLength = 16;

    public static bool TryGet(SframeSuite suite, out SframeSuiteParameters parameters)
    {
        parameters = suite switch
        {
            SframeSuite.AesCtr128HmacSha256Tag80 => new(suite, HashAlgorithmName.SHA256, 48, 10, IsGcm: false),
            SframeSuite.AesCtr128HmacSha256Tag64 => new(suite, HashAlgorithmName.SHA256, 48, 8, IsGcm: false),
            SframeSuite.AesCtr128HmacSha256Tag32 => new(suite, HashAlgorithmName.SHA256, 48, 4, IsGcm: false),
            SframeSuite.AesGcm128Sha256 => new(suite, HashAlgorithmName.SHA256, 16, 16, IsGcm: true),
            SframeSuite.AesGcm256Sha512 => new(suite, HashAlgorithmName.SHA512, 32, 16, IsGcm: true),
            _ => default,
        };
        return parameters.KeyLength != 0;
    }

    public static SframeSuiteParameters Get(SframeSuite suite) =>
        TryGet(suite, out var parameters)
            ? parameters
            : throw new ArgumentOutOfRangeException(nameof(suite), suite, "Not an SFrame cipher suite of RFC 9605.");
}
