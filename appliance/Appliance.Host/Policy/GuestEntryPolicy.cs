using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Signalling;

namespace Appliance.Host.Policy;

/// <summary>
/// The classification policy's say on a guest whose link (and PIN) worked: network, guests allowed at all, the proof
/// the level asks for, end-to-end encryption and capacity. A refusal is audited and comes back as the reason in the
/// page's language.
/// </summary>
public sealed class GuestEntryPolicy(MeetingPolicy policy, MeetingRooms rooms)
{
    /// <summary>The reason the guest may not enter, or null when they may.</summary>
    public async Task<string?> RefusalAsync(HttpContext context, Meeting meeting, Invitation invitation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(invitation);
        var actor = PolicyActors.Guest(invitation.Id, pinShown: invitation.PinHash is not null, context.Connection.RemoteIpAddress);
        var meetingContext = await policy.ContextAsync(meeting, rooms.Find(meeting.Id)?.Roster().Count ?? 0, cancellationToken: cancellationToken);
        var decision = await policy.DecideAsync(meetingContext, actor, PolicyAction.JoinAsGuest, cancellationToken);
        return decision.Allowed ? null : decision.ReasonIn(SignallingHub.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture));
    }
}
