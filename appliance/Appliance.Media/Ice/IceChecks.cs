using Appliance.Media.Stun;

namespace Appliance.Media.Ice;

/// <summary>The checks RFC 8489 §6.3 and RFC 8445 §7.3 make before credentials are looked at.</summary>
internal static class IceChecks
{
    /// <summary>
    /// Parses and checks FINGERPRINT and class. False with the result to return when the datagram is not
    /// a request for us: unparseable or without a valid FINGERPRINT (dropped: RFC 8445 §7.3 requires it),
    /// or not a request (ignored).
    /// </summary>
    public static bool TryScreen(ReadOnlySpan<byte> datagram, out StunMessage message, out IceCheckResult result)
    {
        if (StunMessage.Parse(datagram, out message) != StunParseResult.Ok || !message.VerifyFingerprint())
        {
            result = IceCheckResult.Dropped;
            return false;
        }

        if (message.Class != StunMessageClass.Request)
        {
            result = IceCheckResult.Ignored;
            return false;
        }

        result = default;
        return true;
    }

    /// <summary>
    /// A Binding request with USERNAME "local:remote" and MESSAGE-INTEGRITY; else writes 400 (unknown method,
    /// missing attributes) or 401 (a username that is not ICE's) and returns false.
    /// </summary>
    public static bool TryCheckShape(
        in StunMessage request,
        Span<byte> response,
        out IceCheckResult result,
        out int responseLength,
        out ReadOnlySpan<byte> localUfrag,
        out ReadOnlySpan<byte> remoteUfrag)
    {
        localUfrag = default;
        remoteUfrag = default;
        if (request.Method != 0x001 || !request.HasUsername || !request.HasMessageIntegrity)
        {
            result = WriteError(request, StunErrorCode.BadRequest, default, response, out responseLength);
            return false;
        }

        var username = request.Username;
        var colon = username.IndexOf((byte)':');
        if (colon <= 0)
        {
            result = WriteError(request, StunErrorCode.Unauthorized, default, response, out responseLength);
            return false;
        }

        localUfrag = username[..colon];
        remoteUfrag = username[(colon + 1)..];
        result = default;
        responseLength = 0;
        return true;
    }

    /// <summary>Writes an error response; with MESSAGE-INTEGRITY only when <paramref name="key"/> is given.</summary>
    public static IceCheckResult WriteError(
        in StunMessage request,
        StunErrorCode code,
        ReadOnlySpan<byte> key,
        Span<byte> response,
        out int responseLength,
        ReadOnlySpan<ushort> unknownAttributes = default)
    {
        var writer = new StunMessageWriter(response);
        if (!writer.TryWriteBindingError(request.TransactionId, code, key, unknownAttributes))
        {
            responseLength = 0;
            return IceCheckResult.ResponseBufferTooSmall;
        }

        responseLength = writer.Length;
        return code switch
        {
            StunErrorCode.BadRequest => IceCheckResult.BadRequest,
            StunErrorCode.Unauthorized => IceCheckResult.Unauthorized,
            StunErrorCode.UnknownAttribute => IceCheckResult.UnknownAttribute,
            StunErrorCode.RoleConflict => IceCheckResult.RoleConflict,
            _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not an answer an ICE-lite agent gives."),
        };
    }
}
