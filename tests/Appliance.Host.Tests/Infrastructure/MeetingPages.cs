using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>An invitation as the meeting page shows it the one time it is issued.</summary>
public sealed record IssuedInvitation(string Link, string InvitationId, string Token, PageResponse Page)
{
    /// <summary>The link's path (/j/token).</summary>
    public string Path => new Uri(Link).AbsolutePath;
}

/// <summary>Booking meetings and inviting guests through the organiser's pages (the test appliance runs in UTC).</summary>
public static class MeetingPages
{
    /// <summary>A datetime-local value for a moment (the appliance's zone is UTC in tests).</summary>
    public static string InputTime(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Tomorrow at this hour and minute, without seconds (as a datetime-local input holds it).</summary>
    public static DateTimeOffset Tomorrow()
    {
        var now = TimeProvider.System.GetUtcNow().AddDays(1);
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
    }

    /// <summary>The booking form's fields.</summary>
    public static List<KeyValuePair<string, string>> BookingFields(
        string title, DateTimeOffset startsAt, DateTimeOffset endsAt, string classification = "internal", string agenda = "", params (string Name, string Role, string Email)[] participants)
    {
        var fields = Forms.Fields(
            ("Input.Title", title),
            ("Input.StartsAt", InputTime(startsAt)),
            ("Input.EndsAt", InputTime(endsAt)),
            ("Input.Agenda", agenda),
            ("Input.Classification", classification));
        for (var i = 0; i < participants.Length; i++)
        {
            fields.Add(new($"Input.Participants[{i}].Name", participants[i].Name));
            fields.Add(new($"Input.Participants[{i}].Role", participants[i].Role));
            fields.Add(new($"Input.Participants[{i}].Email", participants[i].Email));
        }

        return fields;
    }

    /// <summary>Books a meeting through /meetings/new and returns its id.</summary>
    public static async Task<string> BookAsync(StaffSession organiser, string title, string classification = "internal", string agenda = "Agenda item one")
    {
        ArgumentNullException.ThrowIfNull(organiser);
        var start = Tomorrow();
        var page = await Forms.SubmitAsync(organiser.Client, "/meetings/new", BookingFields(title, start, start.AddHours(1), classification, agenda));
        if (page.Status != HttpStatusCode.Redirect || page.Location?.StartsWith("/meetings/", StringComparison.Ordinal) != true)
        {
            throw new AssertionException($"Booking answered {(int)page.Status}: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
        }

        return page.Location["/meetings/".Length..];
    }

    /// <summary>Invites a guest through the meeting page's Invite form.</summary>
    public static async Task<PageResponse> SubmitInvitationAsync(StaffSession organiser, string meetingId, string guestName, string pin = "", string expiresAt = "")
    {
        ArgumentNullException.ThrowIfNull(organiser);
        return await Forms.SubmitAsync(
            organiser.Client,
            "/meetings/" + meetingId,
            Forms.Fields(("GuestName", guestName), ("Pin", pin), ("ExpiresAt", expiresAt)),
            $"/meetings/{meetingId}?handler=Invite");
    }

    /// <summary>Invites a guest and reads the link, invitation id and token the page shows once.</summary>
    public static async Task<IssuedInvitation> InviteAsync(StaffSession organiser, string meetingId, string guestName, string pin = "", string expiresAt = "")
    {
        var page = await SubmitInvitationAsync(organiser, meetingId, guestName, pin, expiresAt);
        var link = Forms.ValueOf(page.Body, "invitation-link")
            ?? throw new AssertionException($"The invitation answered {(int)page.Status} without a link: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
        var calendar = Forms.HiddenFieldsOf(page.Body, $"/meetings/{meetingId}?handler=Calendar");
        var invitationId = calendar.Single(f => f.Key == "invitationId").Value;
        var token = calendar.Single(f => f.Key == "token").Value;
        return new IssuedInvitation(link, invitationId, token, page);
    }

    /// <summary>The page as text: tags removed, entities decoded, white space collapsed (what a reader sees).</summary>
    public static string VisibleText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = Regex.Replace(html, "<[^>]+>", " ", RegexOptions.CultureInvariant);
        return Regex.Replace(WebUtility.HtmlDecode(text), "\\s+", " ", RegexOptions.CultureInvariant);
    }
}
