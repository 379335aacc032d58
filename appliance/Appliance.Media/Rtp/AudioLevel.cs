namespace Appliance.Media.Rtp;

/// <summary>
/// The client-to-mixer audio level of one packet (RFC 6464 §3): the sender's voice-activity flag and the
/// level in -dBov, 0 (loudest, full scale) to 127 (silence, -127 dBov or quieter).
/// </summary>
/// <param name="VoiceActivity">The V bit: the sender's voice activity detector thinks this is speech.</param>
/// <param name="Level">The level as a positive number of decibels below overload: 0 loud, 127 silent.</param>
public readonly record struct AudioLevel(bool VoiceActivity, int Level)
{
    /// <summary>
    /// Reads the first byte of the element's value. RFC 6464 gives the element one byte; longer values
    /// (senders that pad the element) are accepted and the rest ignored.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out AudioLevel level)
    {
        if (value.IsEmpty)
        {
            level = default;
            return false;
        }

        level = new AudioLevel((value[0] & 0x80) != 0, value[0] & 0x7F);
        return true;
    }
}
