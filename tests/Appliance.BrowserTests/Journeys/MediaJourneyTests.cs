using System.Text.Json;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Journeys;

/// <summary>
/// A real three-party call through the appliance's own media plane, in three Chromium contexts with fake camera and
/// microphone: the host and two guests (through the lobby) send and receive audio and video, a guest shares a screen,
/// they chat, a guest's connection drops and comes back with new media, the host removes a guest (whose media then
/// stops for everyone) and ends the meeting. What arrives is read
/// from each browser's getStats() through the client's debug hook.
/// </summary>
[TestFixture]
public sealed class MediaJourneyTests
{
    private const string AstridName = "Astrid Guest Lindqvist";
    private const string BoName = "Bo Guest Jensen";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Three_people_hear_and_see_each_other_share_a_screen_chat_and_the_host_removes_one_and_ends_the_meeting()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow());
        var astridLink = await StaffSteps.InviteGuestAsync(host, AstridName);
        var boLink = await StaffSteps.InviteGuestAsync(host, BoName);
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();

        await using var astridContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        await using var boContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(astridContext);
        problems.Watch(boContext);
        var astrid = await GuestJoinsLobbyAsync(astridContext, astridLink);
        var bo = await GuestJoinsLobbyAsync(boContext, boLink);
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {AstridName}" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {BoName}" }).ClickAsync();
        await Expect(astrid.Locator("#meeting")).ToBeVisibleAsync();
        await Expect(bo.Locator("#meeting")).ToBeVisibleAsync();

        var people = new[] { ("host", host), ("Astrid", astrid), ("Bo", bo) };
        var ids = new Dictionary<IPage, string>();
        foreach (var (_, page) in people)
        {
            ids[page] = await page.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        }

        // Everyone receives the other two's microphone and camera, and it keeps flowing.
        foreach (var (name, page) in people)
        {
            var others = people.Where(p => p.Item2 != page).Select(p => ids[p.Item2]).ToList();
            await ExpectFlowingAsync(page, name, others.SelectMany(o => new[] { (o, "audio"), (o, "video") }).ToList());
            await Expect(page.Locator("#stage figure[data-participant]")).ToHaveCountAsync(3);
        }

        // Astrid shares her screen; the others receive it and show it as her screen.
        await astrid.GetByRole(AriaRole.Button, new() { Name = "Share screen" }).ClickAsync();
        await Expect(astrid.GetByRole(AriaRole.Button, new() { Name = "Share screen" })).ToHaveAttributeAsync("aria-pressed", "true");
        foreach (var (name, page) in people.Where(p => p.Item2 != astrid))
        {
            await ExpectFlowingAsync(page, name, [(ids[astrid], "screen")]);
            await Expect(page.Locator("#stage figure.screen")).ToContainTextAsync($"Screen shared by {AstridName}");
        }

        await Screenshots.TakeAsync(host, "meeting-three-with-screen");

        // Chat from all three at once: everyone shows the same messages in the same (seq) order.
        await Task.WhenAll(
            SendChatAsync(host, "One from the host"),
            SendChatAsync(astrid, "Two from Astrid"),
            SendChatAsync(bo, "Three from Bo"));
        var orders = new List<string>();
        foreach (var (_, page) in people)
        {
            await Expect(page.Locator("#chat-log li")).ToHaveCountAsync(3);
            var seqs = await page.Locator("#chat-log li").EvaluateAllAsync<int[]>("items => items.map(i => Number(i.dataset.seq))");
            Assert.That(seqs, Is.Ordered.Ascending.And.Unique, "chat shown by seq");
            orders.Add(string.Join(" | ", await page.Locator("#chat-log .chat-text").AllTextContentsAsync()));
        }

        Assert.That(orders.Distinct().ToList(), Has.Count.EqualTo(1), "everyone sees the same order: " + string.Join(" / ", orders));

        // Astrid's connection drops: her browser resumes with a new media connection, and the media flows again both ways.
        await astrid.EvaluateAsync("() => window.applianceDebug.reconnect()");
        await Expect(astrid.Locator("#room-status")).ToHaveTextAsync("The connection is back.");
        await ExpectFlowingAsync(astrid, "Astrid after her reconnect", [(ids[host], "audio"), (ids[host], "video"), (ids[bo], "audio"), (ids[bo], "video")]);
        await ExpectFlowingAsync(host, "host after Astrid's reconnect", [(ids[astrid], "audio"), (ids[astrid], "video")]);
        await Expect(host.Locator($"#roster li[data-participant='{ids[astrid]}']")).Not.ToContainTextAsync("reconnecting");

        // The host removes Bo: he is told, his tiles go, and nothing of his arrives any more.
        var boMidsAtHost = (await StatsAsync(host)).Where(s => s.ParticipantId == ids[bo]).Select(s => s.Mid).ToHashSet();
        var boMidsAtAstrid = (await StatsAsync(astrid)).Where(s => s.ParticipantId == ids[bo]).Select(s => s.Mid).ToHashSet();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Remove {BoName} from the meeting" }).ClickAsync();
        await Expect(bo.Locator("#finished-text")).ToHaveTextAsync("The host removed you from the meeting.");
        foreach (var (page, mids, name) in new[] { (host, boMidsAtHost, "host"), (astrid, boMidsAtAstrid, "Astrid") })
        {
            await Expect(page.Locator($"#stage figure[data-participant='{ids[bo]}']")).ToHaveCountAsync(0);
            await ExpectStoppedAsync(page, name, ids[bo], mids);
        }

        await ExpectFlowingAsync(astrid, "Astrid after the removal", [(ids[host], "audio"), (ids[host], "video")]);

        host.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "End the meeting for everyone" }).ClickAsync();
        await Expect(astrid.Locator("#finished-text")).ToHaveTextAsync("The meeting has ended.");
        await Expect(host.Locator("#finished-text")).ToHaveTextAsync("The meeting has ended.");

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }

    private static async Task<IPage> GuestJoinsLobbyAsync(IBrowserContext context, string link)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Link, new() { Name = "Join the meeting" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(page.Locator("#lobby")).ToBeVisibleAsync();
        return page;
    }

    private static async Task SendChatAsync(IPage page, string text)
    {
        await page.GetByLabel("Message").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    /// <summary>
    /// Waits until every (participant, kind) has a remote track whose packets (and, for video, decoded frames) grow
    /// between two readings a second and a half apart.
    /// </summary>
    private static async Task ExpectFlowingAsync(IPage page, string who, IReadOnlyList<(string ParticipantId, string Kind)> expected)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        var missing = expected.ToList();
        var last = "";
        while (true)
        {
            var before = await StatsAsync(page);
            await Task.Delay(1500);
            var after = await StatsAsync(page);
            missing = expected.Where(e => !after.Any(a => a.ParticipantId == e.ParticipantId && a.Kind == e.Kind && Grew(before, a))).ToList();
            last = string.Join("; ", after.Select(a => a.ToString()));
            if (missing.Count == 0)
            {
                TestContext.Out.WriteLine($"{who} receives: {last}");
                return;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"{who} does not receive {string.Join(", ", missing.Select(m => $"{m.Kind} of {m.ParticipantId}"))}; stats: {last}");
            }
        }
    }

    /// <summary>Waits until nothing labelled as the participant, nor any track that was theirs and is unlabelled now, grows.</summary>
    private static async Task ExpectStoppedAsync(IPage page, string who, string participantId, HashSet<string> formerMids)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (true)
        {
            var before = await StatsAsync(page);
            await Task.Delay(1500);
            var after = await StatsAsync(page);
            var still = after.Where(a => (a.ParticipantId == participantId || (a.ParticipantId is null && formerMids.Contains(a.Mid))) && Grew(before, a)).ToList();
            if (still.Count == 0)
            {
                TestContext.Out.WriteLine($"{who} after the removal: {string.Join("; ", after.Select(a => a.ToString()))}");
                return;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"{who} still receives media of the removed participant: {string.Join("; ", still)}");
            }
        }
    }

    private static bool Grew(IReadOnlyList<TrackStats> before, TrackStats now)
    {
        var earlier = before.FirstOrDefault(b => b.Mid == now.Mid);
        var packets = now.PacketsReceived > (earlier?.PacketsReceived ?? 0);
        var frames = now.Kind == "audio" || now.FramesDecoded > (earlier?.FramesDecoded ?? 0);
        return packets && frames;
    }

    private static async Task<IReadOnlyList<TrackStats>> StatsAsync(IPage page)
    {
        var stats = await page.EvaluateAsync<JsonElement>("() => window.applianceDebug.stats()");
        return [.. stats.EnumerateArray().Select(s => new TrackStats(
            s.GetProperty("mid").GetString()!,
            s.GetProperty("kind").GetString()!,
            s.GetProperty("participantId").ValueKind == JsonValueKind.String ? s.GetProperty("participantId").GetString() : null,
            s.GetProperty("packetsReceived").GetInt64(),
            s.GetProperty("framesDecoded").GetInt64(),
            s.GetProperty("bytesReceived").GetInt64()))];
    }

    private static MeetingToBook MeetingNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return StaffSteps.InternalMeeting() with { StartsAt = start, EndsAt = start.AddHours(1) };
    }

    private sealed record TrackStats(string Mid, string Kind, string? ParticipantId, long PacketsReceived, long FramesDecoded, long BytesReceived)
    {
        public override string ToString() =>
            $"mid {Mid} {Kind} of {ParticipantId ?? "nobody"}: {PacketsReceived} packets, {FramesDecoded} frames, {BytesReceived} bytes";
    }
}
