namespace Appliance.Crypto.Aead;

/// <summary>
/// AES-GCM with a 16-byte tag under one key (NIST SP 800-38D), as SRTP (RFC 7714) and SFrame (RFC 9605) use it.
/// Created once per key by <see cref="AesGcmCipher.Create"/>; no call allocates. Not thread-safe.
/// </summary>
internal interface IAesGcm : IDisposable
{
    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (the same span, or one that does not
    /// overlap it) and writes the tag, authenticating <paramref name="associatedData"/> too.
    /// </summary>
    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData);

    /// <summary>
    /// Verifies <paramref name="tag"/> over <paramref name="associatedData"/> and <paramref name="ciphertext"/>, then
    /// decrypts into <paramref name="plaintext"/> (the same span, or one that does not overlap it). False when the
    /// tag does not verify; no plaintext is released then.
    /// </summary>
    bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData);
}
