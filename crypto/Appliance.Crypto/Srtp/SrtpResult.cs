namespace Appliance.Crypto.Srtp;

/// <summary>What became of an incoming SRTP or SRTCP packet. Only <see cref="Ok"/> yields plaintext.</summary>
public enum SrtpResult
{
    /// <summary>Authenticated, fresh and decrypted in place.</summary>
    Ok,

    /// <summary>Too short, not RTP/RTCP version 2, or its header runs past the packet: dropped unparsed.</summary>
    Malformed,

    /// <summary>The tag did not verify: forged, corrupted, or protected under another key.</summary>
    AuthenticationFailed,

    /// <summary>A packet with this index was already accepted.</summary>
    ReplayedPacket,

    /// <summary>The index lies behind the replay window, so freshness can no longer be decided.</summary>
    TooOld,

    /// <summary>
    /// The packet names a new SSRC but the session already tracks as many streams as it allows; nothing
    /// was decrypted. Bounds the state a peer holding the keys can make the session keep.
    /// </summary>
    StreamLimitReached,
}
