namespace Appliance.Crypto.Tests.Srtp;

/// <summary>Test vectors of RFC 3711 Appendix B, copied from the RFC text.</summary>
internal static class Rfc3711Vectors
{
    // RFC 3711 Appendix B.2, AES-CM Test Vectors: session key and salt, ROC 0, SEQ 0, SSRC 0.
    public const string AesCmSessionKey = "2B7E151628AED2A6ABF7158809CF4F3C";
    public const string AesCmSessionSalt = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD";

    // RFC 3711 Appendix B.2: "Keystream segment length: 1044512 octets (65282 AES blocks)".
    public const int AesCmSegmentBlocks = 65282;

    // RFC 3711 Appendix B.2: counter block and the keystream block it yields. The last three coincide with
    // NIST SP 800-38A F.5.1, as the RFC notes.
    public static readonly object[] AesCmKeystream =
    [
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", "E03EAD0935C95E80E166B16DD92B4EB4" },
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0001", "D23513162B02D0F72A43A2FE4A5F97AB" },
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0002", "41E95B3BB0A2E8DD477901E4FCA894C0" },
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF", "EC8CDF7398607CB0F2D21675EA9EA1E4" },
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFF00", "362B7C3C6773516318A077D7FC5073AE" },
        new object[] { "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFF01", "6A2CC3787889374FBEB4C81B17BA6C44" },
    ];

    // RFC 3711 Appendix B.3, Key Derivation Test Vectors (key_derivation_rate 0).
    public const string MasterKey = "E1F97A0D3E018BE0D64FA32C06DE4139";
    public const string MasterSalt = "0EC675AD498AFEEBB6960B3AABE6";

    // RFC 3711 Appendix B.3: label, the AES-CM input block of the first keystream block, and the output.
    // The auth key is shown for the 94 octets the RFC walks through; HMAC-SHA1_80 uses its first 20.
    public static readonly object[] KeyDerivation =
    [
        new object[] { (byte)0x00, "0EC675AD498AFEEBB6960B3AABE60000", "C61E7A93744F39EE10734AFE3FF7A087" },
        new object[] { (byte)0x02, "0EC675AD498AFEE9B6960B3AABE60000", "30CBBC08863D8C85D49DB34A9AE1" },
        new object[]
        {
            (byte)0x01,
            "0EC675AD498AFEEAB6960B3AABE60000",
            "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098"
                + " 6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2",
        },
    ];
}
