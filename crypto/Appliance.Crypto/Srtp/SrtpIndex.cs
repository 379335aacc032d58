namespace Appliance.Crypto.Srtp;

/// <summary>Packet index arithmetic of RFC 3711 §3.3.1.</summary>
internal static class SrtpIndex
{
    /// <summary>SRTP indexes are 48 bits: ROC (32) || SEQ (16). A key must not protect more packets.</summary>
    internal const long MaxRtpIndex = (1L << 48) - 1;

    /// <summary>SRTCP indexes are 31 bits.</summary>
    internal const uint MaxSrtcpIndex = 0x7FFF_FFFF;

    internal const uint EncryptedFlag = 0x8000_0000;

    /// <summary>
    /// The index of a packet with sequence number <paramref name="sequenceNumber"/> given the highest index
    /// seen so far (RFC 3711 Appendix A): the ROC guess v is ROC-1, ROC or ROC+1, whichever puts the packet
    /// closest to the highest. Negative when the packet would lie before ROC 0, which no sender can produce.
    /// </summary>
    internal static long EstimateRtp(long highestIndex, ushort sequenceNumber)
    {
        var rolloverCounter = highestIndex >> 16;
        var highestSequence = (int)(highestIndex & 0xFFFF);
        long guess;
        if (highestSequence < 32768)
        {
            guess = sequenceNumber - highestSequence > 32768 ? rolloverCounter - 1 : rolloverCounter;
        }
        else
        {
            guess = highestSequence - 32768 > sequenceNumber ? rolloverCounter + 1 : rolloverCounter;
        }

        return (guess << 16) | sequenceNumber;
    }
}
