namespace Appliance.Crypto.E2ee;

/// <summary>
/// Unprotects SFrame ciphertexts with the key their KID names, optionally refusing replays per KID.
/// Never throws for what arrives from the network: every outcome is an <see cref="SframeResult"/>.
/// </summary>
/// <remarks>Allocates nothing per frame that authenticates. Not thread-safe; does not own (dispose) its keys.</remarks>
public sealed class SframeReceiver
{
    private readonly Dictionary<ulong, Entry> _keys = [];
    private readonly bool _rejectReplays;

    /// <summary>Creates a receiver without keys.</summary>
    /// <param name="rejectReplays">
    /// Whether a counter already accepted for a KID, or more than <see cref="ReplayWindow"/> behind the highest
    /// accepted, is refused as <see cref="SframeResult.Replayed"/>.
    /// </param>
    public SframeReceiver(bool rejectReplays = true)
    {
        _rejectReplays = rejectReplays;
    }

    /// <summary>How far behind the highest accepted counter a frame may arrive (reordering tolerated).</summary>
    public const int ReplayWindow = 64;

    /// <summary>How many KIDs have a key.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Accepts frames under <paramref name="key"/>'s KID from now on, replacing any earlier key of that KID.</summary>
    public void AddKey(SframeKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _keys[key.Kid] = new Entry(key);
    }

    /// <summary>Forgets the key of <paramref name="kid"/>; false when there was none.</summary>
    public bool RemoveKey(ulong kid) => _keys.Remove(kid);

    /// <summary>Whether a key for <paramref name="kid"/> is known.</summary>
    public bool HasKey(ulong kid) => _keys.ContainsKey(kid);

    /// <summary>
    /// Checks and decrypts one SFrame ciphertext (<c>header || ciphertext || tag</c>) whose metadata is
    /// <paramref name="metadata"/>, writing the plaintext to <paramref name="destination"/>.
    /// </summary>
    /// <param name="frame">The SFrame ciphertext as received.</param>
    /// <param name="metadata">The metadata authenticated with the frame (empty for audio).</param>
    /// <param name="destination">Room for the plaintext; <paramref name="frame"/>'s length always suffices. Must not overlap it.</param>
    /// <param name="header">The parsed header, when it parsed.</param>
    /// <param name="written">The plaintext length when the result is <see cref="SframeResult.Ok"/>, else 0.</param>
    /// <exception cref="ArgumentException">The destination is shorter than the plaintext (a caller's error).</exception>
    public SframeResult Unprotect(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> metadata, Span<byte> destination, out SframeHeader header, out int written)
    {
        written = 0;
        if (!SframeHeader.TryRead(frame, out header, out var headerLength))
        {
            return SframeResult.Malformed;
        }

        if (!_keys.TryGetValue(header.Kid, out var entry))
        {
            return SframeResult.UnknownKid;
        }

        var key = entry.Key;
        var ciphertextLength = frame.Length - headerLength - key.TagLength;
        if (ciphertextLength < 0 || ciphertextLength > key.MaxPlaintextLength)
        {
            return SframeResult.Malformed;
        }

        if (_rejectReplays && !entry.MayAccept(header.Counter))
        {
            return SframeResult.Replayed;
        }

        if (destination.Length < ciphertextLength)
        {
            throw new ArgumentException("The destination is too short for the plaintext.", nameof(destination));
        }

        if (!key.TryOpen(
                header.Counter,
                frame[..headerLength],
                metadata,
                frame.Slice(headerLength, ciphertextLength),
                frame[(headerLength + ciphertextLength)..],
                destination[..ciphertextLength]))
        {
            destination[..ciphertextLength].Clear();
            return SframeResult.Tampered;
        }

        // Only an authenticated frame moves the window, so forgeries cannot push real frames out of it.
        entry.Accept(header.Counter);
        written = ciphertextLength;
        return SframeResult.Ok;
    }

    private sealed class Entry(SframeKey key)
    {
        private bool _any;
        private ulong _highest;

        // Bit i set: counter _highest - i was accepted.
        private ulong _seen;

        public SframeKey Key { get; } = key;

        public bool MayAccept(ulong counter)
        {
            if (!_any || counter > _highest)
            {
                return true;
            }

            var behind = _highest - counter;
            return behind < ReplayWindow && (_seen & (1UL << (int)behind)) == 0;
        }

        public void Accept(ulong counter)
        {
            if (!_any)
            {
                _any = true;
                _highest = counter;
                _seen = 1;
            }
            else if (counter > _highest)
            {
                var ahead = counter - _highest;
                _seen = ahead >= ReplayWindow ? 1 : (_seen << (int)ahead) | 1;
                _highest = counter;
            }
            else
            {
                _seen |= 1UL << (int)(_highest - counter);
            }
        }
    }
}
