namespace Appliance.Crypto.E2ee;

/// <summary>What became of an incoming SFrame ciphertext. Only <see cref="Ok"/> yields plaintext.</summary>
public enum SframeResult
{
    /// <summary>Authenticated and decrypted.</summary>
    Ok,

    /// <summary>No key is known for the frame's KID: dropped and counted as undecryptable.</summary>
    UnknownKid,

    /// <summary>The tag did not verify: forged, corrupted, or protected under another key.</summary>
    Tampered,

    /// <summary>No valid SFrame header, or too short to hold the tag: dropped unparsed.</summary>
    Malformed,

    /// <summary>A frame with this KID and counter was already accepted, or lies behind the replay window.</summary>
    Replayed,
}
