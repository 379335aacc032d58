using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Crypto;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>A staff account as typed into the set-up page.</summary>
internal sealed record StaffMember(string UserName, string FullName, string Password);

/// <summary>A meeting as typed into the booking form (times in UTC: the test appliance runs in UTC).</summary>
internal sealed record MeetingToBook(
    string Title,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Agenda,
    string Classification,
    string ParticipantName,
    string ParticipantRole);

/// <summary>
/// What an organiser does in the browser, step by step, the way a person does it: by the visible labels and button
/// texts of the English pages. Each step checks that it landed where it should, so a broken step fails here.
/// </summary>
internal static partial class StaffSteps
{
    /// <summary>The administrator of a fresh appliance.</summary>
    public static StaffMember Administrator { get; } = new("karen.admin", "Karen Holm Sørensen", "correct horse battery staple");

    /// <summary>
    /// A meeting starting tomorrow on the hour, at the basic preset's "internal" level: guests come with the link alone
    /// and wait in the lobby (the "confidential" level requires a PIN for every guest).
    /// </summary>
    public static MeetingToBook InternalMeeting()
    {
        var tomorrow = TimeProvider.System.GetUtcNow().AddDays(1);
        var start = new DateTimeOffset(tomorrow.Year, tomorrow.Month, tomorrow.Day, tomorrow.Hour, 0, 0, TimeSpan.Zero);
        return new MeetingToBook(
            "Hearing on the housing benefit case",
            start,
            start.AddHours(1),
            "1. The decision so far\n2. Your questions\n3. What happens next",
            "Internal",
            "Astrid Lindqvist",
            "citizen");
    }

    /// <summary>Opens the bootstrap link, creates the administrator and enrols a TOTP authenticator; ends on /meetings.</summary>
    public static async Task BootstrapAdministratorAsync(IPage page, Uri bootstrapLink, StaffMember admin)
    {
        await page.GotoAsync(bootstrapLink.AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Create the first administrator");
        await page.GetByLabel("User name", new() { Exact = true }).FillAsync(admin.UserName);
        await page.GetByLabel("Full name", new() { Exact = true }).FillAsync(admin.FullName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(admin.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(EnrolPage());
        var secret = await page.Locator("#totp-secret").GetAttributeAsync("data-secret");
        Assert.That(Base32.TryDecode(secret ?? "", out var key), Is.True, $"#totp-secret carries no base32 secret: '{secret}'");
        var code = Totp.Compute(key, Totp.TimeStep(TimeProvider.System.GetUtcNow()));
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(MeetingsPage());
    }

    /// <summary>From /meetings: books the meeting with the form and returns the details page's address.</summary>
    public static async Task<string> BookMeetingAsync(IPage page, MeetingToBook meeting)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Book a meeting" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(NewMeetingPage());

        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(meeting.Title);
        await page.FillAsync("#startsAt", InputValue(meeting.StartsAt));
        await page.FillAsync("#endsAt", InputValue(meeting.EndsAt));
        await page.GetByRole(AriaRole.Radio, new() { Name = meeting.Classification }).CheckAsync();
        await page.GetByLabel("Agenda", new() { Exact = true }).FillAsync(meeting.Agenda);
        await page.GetByLabel("Name 1", new() { Exact = true }).FillAsync(meeting.ParticipantName);
        await page.GetByLabel("Role 1", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = meeting.ParticipantRole });
        await page.GetByRole(AriaRole.Button, new() { Name = "Book meeting" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(DetailsPage());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(meeting.Title);
        return page.Url;
    }

    /// <summary>On a meeting's details page: invites a guest and returns the link the page shows once.</summary>
    public static async Task<string> InviteGuestAsync(IPage page, string guestName, string? pin = null)
    {
        await page.GetByLabel("Guest's name", new() { Exact = true }).FillAsync(guestName);
        if (pin is not null)
        {
            await page.GetByLabel("PIN", new() { Exact = true }).FillAsync(pin);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Invitation for {guestName}" })).ToBeVisibleAsync();
        var link = await page.Locator("#invitation-link").InputValueAsync();
        Assert.That(link, Does.Match("^https://127\\.0\\.0\\.1:[0-9]+/j/[^/?#]+$"), "the invitation link");
        return link;
    }

    /// <summary>The value a datetime-local input takes.</summary>
    public static string InputValue(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex("/signin/enrol(\\?.*)?$")]
    private static partial Regex EnrolPage();

    [GeneratedRegex("/meetings$")]
    private static partial Regex MeetingsPage();

    [GeneratedRegex("/meetings/new$")]
    private static partial Regex NewMeetingPage();

    [GeneratedRegex("/meetings/(?!new$)[^/?]+$")]
    private static partial Regex DetailsPage();
}
