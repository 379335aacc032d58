using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Appliance.Crypto.E2ee;

/// <summary>LabeledExtract and LabeledExpand of RFC 9180 §4 over HKDF-SHA256, and the suite ids they bind.</summary>
internal static class HpkeLabels
{
    public const ushort KemId = 0x0020;
    public const ushort KdfId = 0x0001;
    public const ushort AeadId = 0x0001;

    /// <summary>Nh of HKDF-SHA256.</summary>
    public const int HashLength = 32;

    /// <summary>"KEM" || I2OSP(kem_id, 2).</summary>
    public static ReadOnlySpan<byte> KemSuiteId => [(byte)'K', (byte)'E', (byte)'M', 0x00, 0x20];

    /// <summary>"HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2).</summary>
    public static ReadOnlySpan<byte> HpkeSuiteId => [(byte)'H', (byte)'P', (byte)'K', (byte)'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x01];

    private static ReadOnlySpan<byte> Version => "HPKE-v1"u8;

    /// <summary>Extract(salt, "HPKE-v1" || suite_id || label || ikm).</summary>
    public static byte[] Extract(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm)
    {
        byte[] labeledIkm = [.. Version, .. suiteId, .. label, .. ikm];
        try
        {
            return HKDF.Extract(HashAlgorithmName.SHA256, labeledIkm, salt.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(labeledIkm);
        }
    }

    /// <summary>Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).</summary>
    public static byte[] Expand(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, int length)
    {
        if (length is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        Span<byte> encodedLength = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(encodedLength, (ushort)length);
        byte[] labeledInfo = [.. encodedLength, .. Version, .. suiteId, .. label, .. info];
        var output = new byte[length];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeledInfo);
        return output;
    }
}
