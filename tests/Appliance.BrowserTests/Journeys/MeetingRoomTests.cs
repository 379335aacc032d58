using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Journeys;

/// <summary>
/// The meeting room's lobby, controls and chat, in Debian's Chromium under the appliance's Content-Security-Policy: a
/// guest waits in the lobby and tells the host they are late, the host lets them in, they chat, raise a hand, the host
/// asks the muted guest to unmute, locks and ends the meeting. The pages on the way meet WCAG 2.1 AA. (Audio and video:
/// MediaJourneyTests.)
/// </summary>
[TestFixture]
public sealed class MeetingRoomTests
{
    private const string GuestName = "Bo Guest Jensen";

    [Test]
    public async Task Guest_waits_tells_the_host_is_let_in_chats_and_raises_a_hand_until_the_host_ends_the_meeting()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await AdministratorWithMeetingNowAsync(appliance, problems);
        var host = staff.Pages[0];
        var link = await StaffSteps.InviteGuestAsync(host, GuestName);

        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await Expect(host.GetByRole(AriaRole.Heading, new() { Name = "Check your camera and microphone" })).ToBeVisibleAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#room-status")).ToHaveTextAsync("You are in the meeting.");
        await Expect(host.Locator("#queue-empty")).ToHaveTextAsync("Nobody is waiting.");

        await using var guestContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(guestContext);
        var guest = await guestContext.NewPageAsync();
        await guest.GotoAsync(link);
        await guest.GetByRole(AriaRole.Link, new() { Name = "Join the meeting" }).ClickAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(guest.GetByRole(AriaRole.Heading, new() { Name = "You are in the lobby" })).ToBeVisibleAsync();
        await Expect(guest.Locator("#meeting")).ToBeHiddenAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "I am running late" }).ClickAsync();
        await Expect(guest.Locator("#room-status")).ToHaveTextAsync("Your message was sent to the host.");

        await Expect(host.Locator("#queue-list")).ToContainTextAsync(GuestName);
        await Expect(host.Locator("#queue-list")).ToContainTextAsync("I am running late");
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {GuestName}" }).ClickAsync();
        await Expect(host.Locator("#queue-empty")).ToBeVisibleAsync();

        await Expect(guest.Locator("#room-status")).ToHaveTextAsync("The host has let you in.");
        await Expect(guest.Locator("#lobby")).ToBeHiddenAsync();
        await Expect(guest.Locator("#roster")).ToContainTextAsync($"{StaffSteps.Administrator.FullName} – host, staff");
        await Expect(guest.Locator("#roster")).ToContainTextAsync($"{GuestName} (you) – participant, guest");
        await Expect(host.Locator("#roster")).ToContainTextAsync($"{GuestName} – participant, guest");

        await guest.GetByLabel("Message").FillAsync("<b>Hello</b> from Bo");
        await guest.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(host.Locator("#chat-log")).ToContainTextAsync("<b>Hello</b> from Bo");
        await Expect(host.Locator("#chat-log b")).ToHaveCountAsync(0);
        await Expect(guest.Locator("#chat-log")).ToContainTextAsync(GuestName);

        await guest.GetByRole(AriaRole.Button, new() { Name = "Raise hand" }).ClickAsync();
        await Expect(host.Locator("#roster")).ToContainTextAsync("hand raised");
        await Expect(guest.GetByRole(AriaRole.Button, new() { Name = "Lower hand" })).ToHaveAttributeAsync("aria-pressed", "true");

        await guest.GetByRole(AriaRole.Button, new() { Name = "Mute microphone" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Ask to unmute: {GuestName}" }).ClickAsync();
        await Expect(guest.GetByRole(AriaRole.Alert)).ToContainTextAsync($"{StaffSteps.Administrator.FullName} asks you to turn on your microphone.");
        await guest.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Button, new() { Name = "Turn on microphone" }).ClickAsync();
        await Expect(guest.GetByRole(AriaRole.Button, new() { Name = "Mute microphone" })).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(host.GetByRole(AriaRole.Button, new() { Name = $"Ask to unmute: {GuestName}" })).ToHaveCountAsync(0);
        await Expect(guest.GetByRole(AriaRole.Alert)).ToBeHiddenAsync();

        await host.GetByRole(AriaRole.Button, new() { Name = "Lock the meeting" }).ClickAsync();
        await Expect(guest.Locator("#room-status")).ToHaveTextAsync("The meeting is locked: nobody new can enter the lobby.");
        await Screenshots.TakeAsync(host, "meeting-room-host");

        host.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "End the meeting for everyone" }).ClickAsync();
        await Expect(guest.Locator("#room-status")).ToHaveTextAsync("The meeting has ended.");
        await Expect(host.Locator("#room-status")).ToHaveTextAsync("The meeting has ended.");
        await Expect(guest.Locator("#meeting")).ToBeHiddenAsync();

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }

    [TestCase("en")]
    [TestCase("da")]
    [TestCase("sv")]
    public async Task Pre_join_lobby_host_view_and_meeting_meet_WCAG_2_1_AA_and_reflow(string language)
    {
        await using var appliance = await TestAppliance.StartAsync();
        await using var staff = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(appliance.BaseAddress));
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        var link = await StaffSteps.InviteGuestAsync(host, GuestName);
        var room = new Uri(host.Url).AbsolutePath + "/room";
        await host.GotoAsync($"/language/{language}?returnUrl={Uri.EscapeDataString(room)}");
        await Expect(host.Locator("#prejoin-status")).ToHaveTextAsync(Text(language, "Ready. You can join the meeting.", "Klar. Du kan gå ind i mødet.", "Klart. Du kan gå in i mötet."));
        Axe.AssertNoViolations(await Axe.RunAsync(host), $"pre-join check ({language})");
        await host.Locator("#join").ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();

        await using var guestContext = await BrowserRun.Browser.NewContextAsync(Axe.ContextOptions(appliance.BaseAddress));
        var guest = await guestContext.NewPageAsync();
        await guest.GotoAsync($"/language/{language}?returnUrl={Uri.EscapeDataString(new Uri(link).AbsolutePath + "/room")}");
        await guest.Locator("#join").ClickAsync();
        await Expect(guest.Locator("#lobby")).ToBeVisibleAsync();
        await guest.Locator("[data-lobby-message=novideo]").ClickAsync();
        await Expect(host.Locator("#queue-list li li")).ToHaveCountAsync(1);

        Axe.AssertNoViolations(await Axe.RunAsync(guest), $"lobby ({language})");
        Axe.AssertNoViolations(await Axe.RunAsync(host), $"host's meeting room with someone waiting ({language})");

        await host.Locator("#queue-list button[data-action=admit]").ClickAsync();
        await Expect(guest.Locator("#meeting")).ToBeVisibleAsync();
        await Expect(guest.Locator("#stage figure")).ToHaveCountAsync(2);
        await guest.Locator("#chat-text").FillAsync("Hej");
        await guest.Locator("#chat-form button[type=submit]").ClickAsync();
        await Expect(host.Locator("#chat-log li")).ToHaveCountAsync(1);
        await host.Locator("#view").ClickAsync();
        await Expect(host.Locator("#view")).ToHaveAttributeAsync("aria-pressed", "true");

        Axe.AssertNoViolations(await Axe.RunAsync(guest), $"guest in the meeting ({language})");
        Axe.AssertNoViolations(await Axe.RunAsync(host), $"host in the meeting, active speaker view ({language})");
        await Reflow.AssertFitsNarrowScreenAsync(guest, $"guest in the meeting ({language})");
        await Reflow.AssertFitsNarrowScreenAsync(host, $"host in the meeting ({language})");
    }

    [Test]
    public async Task Pre_join_check_fits_a_narrow_screen()
    {
        await using var appliance = await TestAppliance.StartAsync();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        await host.GotoAsync(new Uri(host.Url).AbsolutePath + "/room");
        await Expect(host.Locator("#prejoin-status")).ToHaveTextAsync("Ready. You can join the meeting.");
        await Screenshots.TakeAsync(host, "pre-join");

        await Reflow.AssertFitsNarrowScreenAsync(host, "pre-join check");
    }

    [Test]
    public async Task Pre_join_explains_refused_devices_and_offers_plan_B_and_the_person_joins_without_them()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var host = await staff.NewPageAsync();
        // As when the person clicked "Block" on the browser's question.
        await host.AddInitScriptAsync("navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));");
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        await host.GotoAsync(new Uri(host.Url).AbsolutePath + "/room");

        await Expect(host.Locator("#prejoin-problem")).ToBeVisibleAsync();
        await Expect(host.Locator("#prejoin-problem-text")).ToHaveTextAsync(
            "Your camera and microphone could not be started. The browser has not been allowed to use them. Click the camera symbol in the address bar, choose Allow, and press Try again.");
        await Expect(host.GetByRole(AriaRole.Heading, new() { Name = "Plan B" })).ToBeVisibleAsync();
        await Expect(host.GetByRole(AriaRole.Button, new() { Name = "Try again" })).ToBeVisibleAsync();
        await Expect(host.Locator("#preview-off")).ToBeVisibleAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();

        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();
        await Expect(host.Locator("#roster")).ToContainTextAsync("microphone off, camera off");
        await Expect(host.GetByRole(AriaRole.Button, new() { Name = "Mute microphone" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(host.Locator("#stage figure.no-video")).ToHaveCountAsync(1);
        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }

    private static string Text(string language, string en, string da, string sv) => language switch
    {
        "da" => da,
        "sv" => sv,
        _ => en,
    };

    [Test]
    public async Task The_room_announces_the_coming_end_and_shows_why_the_meeting_ended_at_its_longest_duration()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await AdministratorWithMeetingNowAsync(appliance, problems);
        var host = staff.Pages[0];
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#room-status")).ToHaveTextAsync("You are in the meeting.");

        // The limit is checked on a clock the test moves (the appliance's own runs in real time).
        var rooms = appliance.Service<Appliance.Core.Rooms.MeetingRooms>();
        var room = rooms.Find(rooms.MeetingIds.Single())!;
        var policy = appliance.Service<Appliance.Core.Policy.MeetingPolicy>();
        var limit = (await policy.EffectiveControlsAsync(room.Meeting)).MaxDuration;
        var clock = new ManualClock(room.StartedAt + limit - TimeSpan.FromMinutes(10));
        var check = new Appliance.Host.Policy.MeetingDurationLimit(
            rooms, appliance.Service<Appliance.Host.Signalling.SignallingHub>(), policy, appliance.Service<Appliance.Core.Audit.IAuditLog>(), clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Appliance.Host.Policy.MeetingDurationLimit>.Instance);

        await check.CheckOnceAsync();
        await Expect(host.Locator("#room-status")).ToHaveTextAsync("This meeting will be ended in 10 minutes: it reaches the longest time allowed for its classification.");
        await Expect(host.Locator("#room-status")).ToHaveAttributeAsync("role", "status");
        clock.Set(room.StartedAt + limit);
        await check.CheckOnceAsync();
        await Expect(host.Locator("#finished-text")).ToHaveTextAsync("The meeting was ended: it reached the longest time allowed for its classification.");
        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }

    // A browser context (watched for problems) whose one page is the bootstrap administrator's, on a meeting booked to start now.
    private static async Task<IBrowserContext> AdministratorWithMeetingNowAsync(TestAppliance appliance, PageProblems problems)
    {
        var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        return staff;
    }

    private static MeetingToBook MeetingNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return StaffSteps.InternalMeeting() with { StartsAt = start, EndsAt = start.AddHours(1) };
    }
}
