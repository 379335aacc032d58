namespace Appliance.Media.Ice;

/// <summary>
/// What became of a datagram handed to the ICE-lite agent. The response buffer holds an answer to send
/// back to the sender exactly when <c>responseLength</c> is greater than zero.
/// </summary>
public enum IceCheckResult
{
    /// <summary>Not a STUN message, or one without a valid FINGERPRINT: nothing is sent (RFC 7983 demux).</summary>
    Dropped,

    /// <summary>A valid STUN message that needs no answer (an indication or a response).</summary>
    Ignored,

    /// <summary>A valid check: a success response was written and consent refreshed.</summary>
    Responded,

    /// <summary>A valid check with USE-CANDIDATE that selected a new pair; a success response was written.</summary>
    Nominated,

    /// <summary>400 written: not a Binding request, or USERNAME or MESSAGE-INTEGRITY missing.</summary>
    BadRequest,

    /// <summary>401 written: unknown username or wrong MESSAGE-INTEGRITY.</summary>
    Unauthorized,

    /// <summary>420 written: an authenticated request with comprehension-required attributes we do not know.</summary>
    UnknownAttribute,

    /// <summary>487 written: the peer claims the controlled role, which an ICE-lite agent always holds.</summary>
    RoleConflict,

    /// <summary>The caller's response buffer cannot hold the answer; nothing was written or changed.</summary>
    ResponseBufferTooSmall,
}
