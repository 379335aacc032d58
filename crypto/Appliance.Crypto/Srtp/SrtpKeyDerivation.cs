namespace Appliance.Crypto.Srtp;

/// <summary>
/// The SRTP key derivation (RFC 3711 §4.3) with key_derivation_rate 0, as DTLS-SRTP uses it: each session
/// key is the AES-CM keystream under the master key at IV = ((label || 0^48) XOR master salt) * 2^16.
/// </summary>
internal static class SrtpKeyDerivation
{
    internal const byte RtpEncryptionLabel = 0x00;
    internal const byte RtpAuthenticationLabel = 0x01;
    internal const byte RtpSaltLabel = 0x02;
    internal const byte RtcpEncryptionLabel = 0x03;
    internal const byte RtcpAuthenticationLabel = 0x04;
    internal const byte RtcpSaltLabel = 0x05;

    /// <summary>HMAC-SHA1 session authentication key length, n_a = 160 bits (RFC 3711 §8.2, RFC 5764 §4.1.2).</summary>
    internal const int AuthenticationKeyLength = 20;

    // The PRF input is 112 bits; the label sits 48 bits (index DIV kdr) from its right end.
    private const int PrfSaltLength = 14;
    private const int LabelOffset = PrfSaltLength - 7;

    /// <summary>Fills <paramref name="output"/> with the session key for <paramref name="label"/>.</summary>
    /// <param name="prf">AES-CM under the master key.</param>
    /// <param name="masterSalt">
    /// 14 bytes, or RFC 7714's 12, which keeps RFC 3711's 112-bit PRF and so is zero-extended on the right
    /// (as libsrtp, and with it every browser, does).
    /// </param>
    /// <param name="label">0x00 to 0x05: which session key (RFC 3711 §4.3.1, §4.3.2).</param>
    /// <param name="output">Receives as many bytes of the key as it is long.</param>
    internal static void Derive(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        WritePrfInput(masterSalt, label, iv);
        output.Clear();
        prf.Apply(iv, output);
    }

    /// <summary>The first AES-CM input block: ((label || 0^48) XOR master salt) * 2^16 (§4.3.1, §4.3.3).</summary>
    internal static void WritePrfInput(ReadOnlySpan<byte> masterSalt, byte label, Span<byte> block)
    {
        block[..AesCounterMode.BlockLength].Clear();
        masterSalt.CopyTo(block);
        block[LabelOffset] ^= label;
    }
}
