using System.Globalization;
using System.Security.Cryptography;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Signalling;

/// <summary>What a join ticket vouches for: this person may try to enter this meeting's room until it expires.</summary>
/// <param name="Kind">Staff (the signed-in organiser) or guest (a redeemed invitation).</param>
/// <param name="MeetingId">The one meeting it is for.</param>
/// <param name="SubjectId">The staff member's user id or the guest's invitation id.</param>
/// <param name="ExpiresAt">Two minutes after the page was served.</param>
/// <param name="Authentication">How strongly the staff member's session was signed in (Password for guests).</param>
/// <param name="Acr">The session's OIDC acr value, if any.</param>
public sealed record JoinTicket(
    ParticipantKind Kind, string MeetingId, string SubjectId, DateTimeOffset ExpiresAt, AuthenticationLevel Authentication = AuthenticationLevel.Password, string? Acr = null);

/// <summary>
/// Join tickets: the meeting page embeds one (after its own checks: the organiser's session, or the guest's link and
/// PIN), and the browser presents it in its first WebSocket message. Encrypted and authenticated with data protection,
/// valid for two minutes and one meeting. The socket itself carries no cookie, so a page on another site cannot use
/// someone's session to open it; a reload of the meeting page issues a fresh ticket.
/// </summary>
public sealed class JoinTickets(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>How long a ticket is good for.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private readonly IDataProtector _protector = protection.CreateProtector("Appliance.Signalling.JoinTicket.v1");

    /// <summary>A ticket for a member of staff.</summary>
    /// <remarks>The socket carries no session, so the session's sign-in strength travels in the ticket for the policy.</remarks>
    public string IssueForStaff(string meetingId, string userId, AuthenticationLevel authentication = AuthenticationLevel.Password, string? acr = null) =>
        Issue(ParticipantKind.Staff, meetingId, userId, authentication, acr);

    /// <summary>A ticket for a guest's invitation.</summary>
    public string IssueForGuest(string meetingId, string invitationId) => Issue(ParticipantKind.Guest, meetingId, invitationId, AuthenticationLevel.Password, null);

    /// <summary>The ticket's content, or null when it is not one of ours, was altered, or has expired.</summary>
    public JoinTicket? Read(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        string text;
        try
        {
            text = _protector.Unprotect(ticket);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = text.Split('|');
        if (parts.Length is not (4 or 6) ||
            !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) ||
            parts[0] is not ("staff" or "guest"))
        {
            return null;
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expires);
        if (time.GetUtcNow() >= expiresAt)
        {
            return null;
        }

        // A ticket without the strength (four parts) counts as password only: failing closed on MFA levels.
        var authentication = parts.Length == 6 && parts[4] == "mfa" ? AuthenticationLevel.Mfa : AuthenticationLevel.Password;
        var acr = parts.Length == 6 && parts[5].Length > 0 ? parts[5] : null;
        return new JoinTicket(parts[0] == "staff" ? ParticipantKind.Staff : ParticipantKind.Guest, parts[1], parts[2], expiresAt, authentication, acr);
    }

    private string Issue(ParticipantKind kind, string meetingId, string subjectId, AuthenticationLevel authentication, string? acr)
    {
        ArgumentNullException.ThrowIfNull(meetingId);
        ArgumentNullException.ThrowIfNull(subjectId);
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var kindName = kind == ParticipantKind.Staff ? "staff" : "guest";
        var strength = authentication == AuthenticationLevel.Mfa ? "mfa" : "pwd";
        // '|' separates the fields; an acr holding one is dropped rather than allowed to shift them.
        var cleanAcr = acr is null || acr.Contains('|', StringComparison.Ordinal) ? "" : acr;
        return _protector.Protect($"{kindName}|{meetingId}|{subjectId}|{expires}|{strength}|{cleanAcr}");
    }
}
