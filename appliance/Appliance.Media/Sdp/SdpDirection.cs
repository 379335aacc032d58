namespace Appliance.Media.Sdp;

/// <summary>
/// A direction attribute (RFC 8866 §6.7) as written by the author of the SDP it appears in: in our offer
/// <see cref="SendOnly"/> means the appliance sends; in the browser's answer it means the browser sends.
/// </summary>
public enum SdpDirection
{
    /// <summary>a=sendrecv, also what an m-section without a direction attribute means.</summary>
    SendRecv,

    /// <summary>a=sendonly: the author sends and does not receive.</summary>
    SendOnly,

    /// <summary>a=recvonly: the author receives and does not send.</summary>
    RecvOnly,

    /// <summary>a=inactive: neither; also the direction of a rejected m-section (port 0).</summary>
    Inactive,
}

/// <summary>The offer/answer rules for directions (RFC 3264 §6.1).</summary>
public static class SdpDirections
{
    /// <summary>The attribute name: "sendrecv", "sendonly", "recvonly" or "inactive".</summary>
    public static string ToAttribute(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendRecv => "sendrecv",
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Not a direction."),
    };

    /// <summary>Reads a direction attribute name; false for any other name.</summary>
    public static bool TryParse(string? attributeName, out SdpDirection direction)
    {
        switch (attributeName)
        {
            case "sendrecv":
                direction = SdpDirection.SendRecv;
                return true;
            case "sendonly":
                direction = SdpDirection.SendOnly;
                return true;
            case "recvonly":
                direction = SdpDirection.RecvOnly;
                return true;
            case "inactive":
                direction = SdpDirection.Inactive;
                return true;
            default:
                direction = SdpDirection.Inactive;
                return false;
        }
    }

    /// <summary>Whether the author of this direction sends media.</summary>
    public static bool Sends(this SdpDirection direction) =>
        direction is SdpDirection.SendRecv or SdpDirection.SendOnly;

    /// <summary>Whether the author of this direction receives media.</summary>
    public static bool Receives(this SdpDirection direction) =>
        direction is SdpDirection.SendRecv or SdpDirection.RecvOnly;

    /// <summary>
    /// Whether <paramref name="answered"/> is an allowed answer to <paramref name="offered"/>: the answerer may
    /// only send what the offerer receives and receive what it sends (RFC 3264 §6.1).
    /// </summary>
    public static bool IsAllowedAnswer(SdpDirection offered, SdpDirection answered) =>
        (!answered.Sends() || offered.Receives()) && (!answered.Receives() || offered.Sends());
}
