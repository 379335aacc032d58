using Org.BouncyCastle.Tls;

namespace Appliance.Crypto.Dtls;

/// <summary>
/// What the DTLS server and client share about failing: checking the caller's profile list, and turning what
/// BouncyCastle threw into a <see cref="DtlsHandshakeException"/> whose reason the media plane can act on.
/// </summary>
internal static class DtlsHandshakeFailures
{
    internal static int[] ValidateProfiles(IReadOnlyList<int> profiles, string parameterName)
    {
        if (profiles.Count == 0)
        {
            throw new ArgumentException("At least one SRTP protection profile is required.", parameterName);
        }

        var copy = new int[profiles.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = profiles[i];
            if (!DtlsSrtpProfiles.IsKnown(copy[i]))
            {
                throw new ArgumentException($"Unknown SRTP protection profile {copy[i]}.", parameterName);
            }
        }

        return copy;
    }

    internal static byte[] ParseFingerprint(string fingerprint, string parameterName)
    {
        var digest = new byte[CertificateFingerprint.Sha256Length];
        if (!CertificateFingerprint.TryParseSha256(fingerprint, digest))
        {
            throw new ArgumentException("Expected a SHA-256 fingerprint: 32 hex pairs joined by ':'.", parameterName);
        }

        return digest;
    }

    /// <param name="ex">What BouncyCastle threw.</param>
    /// <param name="ownFailure">The reason our own peer object recorded before raising its alert, if it did.</param>
    internal static DtlsHandshakeException Describe(Exception ex, DtlsHandshakeFailure? ownFailure)
    {
        var alert = AlertOf(ex);
        if (ownFailure is { } failure)
        {
            return new DtlsHandshakeException(failure, MessageFor(failure), alert, ex);
        }

        if (FindInChain<DtlsChannelClosedException>(ex) is not null)
        {
            return new DtlsHandshakeException(DtlsHandshakeFailure.ChannelClosed, MessageFor(DtlsHandshakeFailure.ChannelClosed), null, ex);
        }

        var reason = ex switch
        {
            TlsTimeoutException => DtlsHandshakeFailure.TimedOut,
            TlsFatalAlertReceived => DtlsHandshakeFailure.PeerAlert,
            _ => DtlsHandshakeFailure.ProtocolError,
        };
        var message = alert is { } description
            ? $"{MessageFor(reason)} Alert: {AlertDescription.GetText((short)description)}."
            : MessageFor(reason);
        return new DtlsHandshakeException(reason, message, alert, ex);
    }

    private static int? AlertOf(Exception ex) => ex switch
    {
        TlsFatalAlert sent => sent.AlertDescription,
        TlsFatalAlertReceived received => received.AlertDescription,
        _ => null,
    };

    private static string MessageFor(DtlsHandshakeFailure reason) => reason switch
    {
        DtlsHandshakeFailure.TimedOut => "The DTLS handshake timed out.",
        DtlsHandshakeFailure.FingerprintMismatch => "The peer's certificate does not match the fingerprint in its SDP.",
        DtlsHandshakeFailure.NoClientCertificate => "The peer sent no certificate.",
        DtlsHandshakeFailure.NoCommonSrtpProfile => "The peer offered no acceptable SRTP protection profile.",
        DtlsHandshakeFailure.PeerAlert => "The peer aborted the DTLS handshake.",
        DtlsHandshakeFailure.ProtocolError => "The DTLS handshake failed.",
        DtlsHandshakeFailure.ChannelClosed => "The datagram channel closed during the DTLS handshake.",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    private static T? FindInChain<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }
}
