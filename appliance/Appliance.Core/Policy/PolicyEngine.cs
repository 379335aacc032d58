using System.Globalization;
using Appliance.Core.Identity;

namespace Appliance.Core.Policy;

/// <summary>
/// Decides what the classification policy allows: (meeting, actor, action) → allowed or denied, with the rule and a
/// reason a person understands. Pure: no clock, no store, no I/O, so every decision is reproducible in a test and the
/// caller decides what to audit (every denial) and what to show.
/// </summary>
public static class PolicyEngine
{
    /// <summary>Decides one action. The first rule that refuses wins; the checks run from the broadest to the most specific.</summary>
    public static PolicyDecision Decide(PolicyContext meeting, PolicyActor actor, PolicyAction action)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(actor);
        var level = meeting.Level;
        var controls = meeting.Controls;

        if (!controls.ApplianceMayCarry)
        {
            return Deny(PolicyRules.LevelNotCarried, level);
        }

        var refusal = Entrance(meeting, actor, action)
            ?? Network(meeting, actor)
            ?? StaffSignIn(meeting, actor)
            ?? GuestRules(meeting, actor, action)
            ?? ActionRules(meeting, actor, action);
        return refusal ?? new PolicyDecision(true, PolicyRules.Allowed.Id, PolicyRules.Allowed.Format(level, null));
    }

    /// <summary>Whether the actor's kind and roles fit the action at all.</summary>
    private static PolicyDecision? Entrance(PolicyContext meeting, PolicyActor actor, PolicyAction action)
    {
        var staff = actor.Kind == ActorKind.Staff;
#pragma warning disable CS8524 // Every named action is decided: a new one must break the build here.
        return action switch
        {
            PolicyAction.Book when !staff => Deny(PolicyRules.StaffOnly, meeting.Level),
            PolicyAction.Book when (actor.Roles & StaffRoles.Organiser) == 0 => Deny(PolicyRules.OrganiserOnly, meeting.Level),
            PolicyAction.Book => null,
            PolicyAction.Invite => staff ? null : Deny(PolicyRules.StaffOnly, meeting.Level),
            PolicyAction.JoinAsStaff => staff ? null : Deny(PolicyRules.WrongEntrance, meeting.Level),
            PolicyAction.JoinAsGuest => actor.Kind == ActorKind.Guest ? null : Deny(PolicyRules.WrongEntrance, meeting.Level),
            PolicyAction.DialIn => actor.Kind == ActorKind.SipCaller ? null : Deny(PolicyRules.WrongEntrance, meeting.Level),
            PolicyAction.Admit or PolicyAction.StartRecording or PolicyAction.DialOut when !staff => Deny(PolicyRules.StaffOnly, meeting.Level),
            PolicyAction.Admit or PolicyAction.StartRecording or PolicyAction.DialOut => actor.IsHost ? null : Deny(PolicyRules.HostOnly, meeting.Level),
            PolicyAction.BypassLobby or PolicyAction.ShareScreen or PolicyAction.SendChat => null,
        };
#pragma warning restore CS8524
    }

    /// <summary>
    /// Checked for every action, not only joining, so that narrowing the networks reaches people already in a running
    /// meeting. SIP callers arrive through the gateway, whose address says nothing about the caller.
    /// </summary>
    private static PolicyDecision? Network(PolicyContext meeting, PolicyActor actor)
    {
        var networks = meeting.Controls.AllowedNetworks;
        if (actor.Kind == ActorKind.SipCaller || networks.Equals(ClientNetworks.Anywhere))
        {
            return null;
        }

        if (actor.ClientAddress is null)
        {
            return Deny(PolicyRules.NetworkUnknown, meeting.Level);
        }

        var address = actor.ClientAddress.IsIPv4MappedToIPv6 ? actor.ClientAddress.MapToIPv4() : actor.ClientAddress;
        return networks.Contains(address) ? null : Deny(PolicyRules.NetworkNotAllowed, meeting.Level, _ => address.ToString());
    }

    private static PolicyDecision? StaffSignIn(PolicyContext meeting, PolicyActor actor)
    {
        var required = meeting.Controls.StaffAuthentication;
        return actor.Kind != ActorKind.Staff || required.IsMetBy(actor.Authentication, actor.Acr)
            ? null
            : Deny(PolicyRules.StaffAuthentication, meeting.Level, locale => PolicyWords.Authentication(required, locale));
    }

    /// <summary>Guests are checked on every action, so that turning guests off or raising the proof removes them at once.</summary>
    private static PolicyDecision? GuestRules(PolicyContext meeting, PolicyActor actor, PolicyAction action)
    {
        var controls = meeting.Controls;
        if (action == PolicyAction.Invite && controls.Guests == GuestAccess.None)
        {
            return Deny(PolicyRules.GuestsNotAllowed, meeting.Level);
        }

        if (actor.Kind != ActorKind.Guest)
        {
            return null;
        }

        if (controls.Guests == GuestAccess.None)
        {
            return Deny(PolicyRules.GuestsNotAllowed, meeting.Level);
        }

        return actor.GuestProofShown is { } shown && shown >= controls.GuestProof
            ? null
            : Deny(PolicyRules.GuestProofTooWeak, meeting.Level, locale => PolicyWords.Proof(controls.GuestProof, locale));
    }

    private static PolicyDecision? ActionRules(PolicyContext meeting, PolicyActor actor, PolicyAction action)
    {
        var controls = meeting.Controls;
        var level = meeting.Level;
#pragma warning disable CS8524 // Every named action is decided: a new one must break the build here.
        return action switch
        {
            PolicyAction.Book => Booking(meeting),
            PolicyAction.Invite => null,
            PolicyAction.JoinAsStaff or PolicyAction.JoinAsGuest =>
                (controls.EndToEndEncryptionRequired && !actor.ClientSupportsEndToEndEncryption ? Deny(PolicyRules.EndToEndEncryptionUnsupported, level) : null)
                ?? Running(meeting) ?? Capacity(meeting),
            PolicyAction.Admit => Running(meeting) ?? Capacity(meeting),
            PolicyAction.BypassLobby => Running(meeting) ?? Lobby(meeting, actor),
            PolicyAction.ShareScreen => Running(meeting) ?? (controls.ScreenShareAllowed ? null : Deny(PolicyRules.ScreenShareNotAllowed, level)),
            PolicyAction.SendChat => Running(meeting) ?? (controls.ChatAllowed ? null : Deny(PolicyRules.ChatNotAllowed, level)),
            PolicyAction.StartRecording => Running(meeting) ?? (controls.RecordingAllowed ? null : Deny(PolicyRules.RecordingNotAllowed, level)),
            PolicyAction.DialIn => Sip(meeting, controls.SipDialInAllowed, PolicyRules.DialInNotAllowed),
            PolicyAction.DialOut => Sip(meeting, controls.SipDialOutAllowed, PolicyRules.DialOutNotAllowed),
        };
#pragma warning restore CS8524
    }

    private static PolicyDecision? Booking(PolicyContext meeting)
    {
        var controls = meeting.Controls;
        if (meeting.ScheduledEnd - meeting.ScheduledStart > controls.MaxDuration)
        {
            return Deny(PolicyRules.BookedTooLong, meeting.Level, locale => PolicyWords.Duration(controls.MaxDuration, locale));
        }

        return meeting.ParticipantCount > controls.MaxParticipants
            ? Deny(PolicyRules.TooManyPlanned, meeting.Level, _ => controls.MaxParticipants.ToString(CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>A meeting that has run past its level's longest duration allows nothing more.</summary>
    private static PolicyDecision? Running(PolicyContext meeting)
    {
        var limit = meeting.Controls.MaxDuration;
        return meeting.StartedAt is { } started && meeting.Now - started > limit
            ? Deny(PolicyRules.RanTooLong, meeting.Level, locale => PolicyWords.Duration(limit, locale))
            : null;
    }

    private static PolicyDecision? Capacity(PolicyContext meeting)
    {
        var limit = meeting.Controls.MaxParticipants;
        return meeting.ParticipantCount >= limit
            ? Deny(PolicyRules.MeetingFull, meeting.Level, _ => limit.ToString(CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Hosts always enter directly; staff unless everyone waits; guests and callers only when guests enter directly.</summary>
    private static PolicyDecision? Lobby(PolicyContext meeting, PolicyActor actor)
    {
        var controls = meeting.Controls;
        if (actor.IsHost)
        {
            return null;
        }

        if (controls.LobbyRequired)
        {
            return Deny(PolicyRules.LobbyRequired, meeting.Level);
        }

        return actor.Kind == ActorKind.Staff || controls.Guests == GuestAccess.Direct ? null : Deny(PolicyRules.GuestsViaLobby, meeting.Level);
    }

    /// <summary>SIP endpoints cannot hold the meeting's end-to-end keys, so an encrypted meeting refuses them whatever the SIP switch says.</summary>
    private static PolicyDecision? Sip(PolicyContext meeting, bool allowed, PolicyRule whenOff)
    {
        if (meeting.Controls.EndToEndEncryptionRequired)
        {
            return Deny(PolicyRules.EndToEndEncryptionSip, meeting.Level);
        }

        return (allowed ? null : Deny(whenOff, meeting.Level)) ?? Running(meeting) ?? Capacity(meeting);
    }

    private static PolicyDecision Deny(PolicyRule rule, PolicyLevel level, Func<string, string>? value = null) =>
        new(false, rule.Id, rule.Format(level, value));
}
