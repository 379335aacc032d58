namespace Appliance.Crypto.Srtp;

/// <summary>Which way an <see cref="SrtpSession"/> moves packets.</summary>
public enum SrtpDirection
{
    /// <summary>Protects outgoing RTP and RTCP with the local side's keys.</summary>
    Send,

    /// <summary>Authenticates, replay-checks and decrypts incoming SRTP and SRTCP with the remote side's keys.</summary>
    Receive,
}
