namespace Appliance.Crypto.Dtls;

/// <summary>Why a DTLS-SRTP handshake did not complete.</summary>
public enum DtlsHandshakeFailure
{
    /// <summary>The handshake did not finish within <see cref="DtlsServerOptions.HandshakeTimeout"/> (a silent or lost peer).</summary>
    TimedOut,

    /// <summary>The peer's certificate does not have the fingerprint its SDP announced; it was sent bad_certificate.</summary>
    FingerprintMismatch,

    /// <summary>The client sent no certificate, which WebRTC requires (RFC 8827 section 6.5). Server side only.</summary>
    NoClientCertificate,

    /// <summary>
    /// The peer offered no use_srtp extension or none of the acceptable SRTP protection profiles (server side),
    /// or the server answered without use_srtp or with a profile that was not offered (client side).
    /// </summary>
    NoCommonSrtpProfile,

    /// <summary>The peer ended the handshake with a fatal alert (see <see cref="DtlsHandshakeException.AlertDescription"/>).</summary>
    PeerAlert,

    /// <summary>The peer broke the protocol or offered nothing acceptable (version, cipher suite, message); it was sent the alert in <see cref="DtlsHandshakeException.AlertDescription"/>.</summary>
    ProtocolError,

    /// <summary>The media plane closed the channel during the handshake.</summary>
    ChannelClosed,
}

/// <summary>A DTLS-SRTP handshake failed; <see cref="Reason"/> says why in terms the caller can act on.</summary>
public sealed class DtlsHandshakeException : Exception
{
    /// <summary>Creates the exception for a failure of the given kind.</summary>
    public DtlsHandshakeException(DtlsHandshakeFailure reason, string message, int? alertDescription = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        AlertDescription = alertDescription;
    }

    /// <summary>Creates a <see cref="DtlsHandshakeFailure.ProtocolError"/> with a message.</summary>
    public DtlsHandshakeException()
        : this(DtlsHandshakeFailure.ProtocolError, "The DTLS handshake failed.")
    {
    }

    /// <summary>Creates a <see cref="DtlsHandshakeFailure.ProtocolError"/> with a message.</summary>
    public DtlsHandshakeException(string message)
        : this(DtlsHandshakeFailure.ProtocolError, message)
    {
    }

    /// <summary>Creates a <see cref="DtlsHandshakeFailure.ProtocolError"/> with a message and cause.</summary>
    public DtlsHandshakeException(string message, Exception innerException)
        : this(DtlsHandshakeFailure.ProtocolError, message, null, innerException)
    {
    }

    /// <summary>Why the handshake failed.</summary>
    public DtlsHandshakeFailure Reason { get; }

    /// <summary>The TLS alert (RFC 5246 section 7.2) sent or received, where one was: e.g. 42 bad_certificate, 40 handshake_failure.</summary>
    public int? AlertDescription { get; }
}
