using System.Security.Cryptography;

namespace Appliance.Crypto.Aead;

/// <summary>
/// The fallback: <see cref="AesGcm"/>, which goes through OpenSSL's EVP layer per call. A bad tag is reported by
/// <see cref="AesGcm"/> only by throwing (and it zeroes the output); here it becomes false.
/// </summary>
internal sealed class PlatformAesGcm(ReadOnlySpan<byte> key) : IAesGcm
{
    private readonly AesGcm _aead = new(key, AesGcmCipher.TagLength);

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData) =>
        _aead.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            _aead.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public void Dispose() => _aead.Dispose();
}
