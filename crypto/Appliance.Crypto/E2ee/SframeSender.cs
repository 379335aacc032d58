namespace Appliance.Crypto.E2ee;

/// <summary>
/// Protects the frames of one stream (RFC 9605 §4.4.3) under its current <see cref="SframeKey"/>. The counter
/// lives in the key, so switching to a new generation starts at 0 and switching back never repeats a nonce.
/// </summary>
/// <remarks>Allocates nothing per frame. Not thread-safe; does not own (dispose) its keys.</remarks>
public sealed class SframeSender
{
    /// <summary>Starts sending under <paramref name="key"/>.</summary>
    public SframeSender(SframeKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
    }

    /// <summary>The key frames are protected under now.</summary>
    public SframeKey Key { get; private set; }

    /// <summary>The most bytes <see cref="Protect"/> adds to a frame: the longest header and the tag.</summary>
    public int MaxOverhead => SframeHeader.MaxLength + Key.TagLength;

    /// <summary>Protects the following frames under <paramref name="key"/> (a new generation).</summary>
    public void UseKey(SframeKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
    }

    /// <summary>
    /// Writes <c>header || ciphertext || tag</c> of <paramref name="plaintext"/> to <paramref name="destination"/>,
    /// authenticating <paramref name="metadata"/> as well. The destination must not overlap the plaintext.
    /// </summary>
    /// <returns>False, with nothing written and no counter spent, when the destination is too short.</returns>
    /// <exception cref="InvalidOperationException">The key's counter space is spent; a new key is needed.</exception>
    /// <exception cref="ArgumentException">The frame is larger than the suite can protect (CTR suites: 1 MiB).</exception>
    public bool Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> metadata, Span<byte> destination, out int written)
    {
        written = 0;
        var key = Key;
        if (plaintext.Length > key.MaxPlaintextLength)
        {
            throw new ArgumentException("The frame is larger than this cipher suite can protect.", nameof(plaintext));
        }

        var header = new SframeHeader(key.Kid, key.NextCounter);
        var headerLength = header.Length;
        var total = headerLength + plaintext.Length + key.TagLength;
        if (destination.Length < total)
        {
            return false;
        }

        if (!key.TryTakeCounter(out _))
        {
            throw new InvalidOperationException("The SFrame counter of this key is exhausted; move to a new generation.");
        }

        header.Write(destination);
        key.Seal(
            header.Counter,
            destination[..headerLength],
            metadata,
            plaintext,
            destination.Slice(headerLength, plaintext.Length),
            destination.Slice(headerLength + plaintext.Length, key.TagLength));
        written = total;
        return true;
    }
}
