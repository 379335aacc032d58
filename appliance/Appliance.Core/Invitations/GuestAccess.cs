using Appliance.Core.Meetings;

namespace Appliance.Core.Invitations;

/// <summary>What a presented guest link opens.</summary>
public enum GuestAccessStatus
{
    /// <summary>Wrong, expired, revoked or locked token, or a cancelled meeting: one answer for all, no hint which.</summary>
    Invalid,

    /// <summary>The token is good and the invitation has a PIN that has not been given (or was wrong).</summary>
    PinRequired,

    /// <summary>The guest may see the meeting's waiting page.</summary>
    Granted,
}

/// <summary>The result of presenting a guest link (and perhaps a PIN).</summary>
public sealed record GuestAccess(GuestAccessStatus Status, Invitation? Invitation, Meeting? Meeting)
{
    public static GuestAccess Invalid { get; } = new(GuestAccessStatus.Invalid, null, null);
}
