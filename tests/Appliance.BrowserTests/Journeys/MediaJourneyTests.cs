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

    [Test]
    public async Task Three_people_hear_and_see_each_other_share_a_screen_chat_and_the_host_removes_one_and_ends_the_meeting()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var (host, links) = await MediaSteps.HostOpensMeetingAsync(staff, appliance.BootstrapLink!, AstridName, BoName);
        var (astridLink, boLink) = (links[0], links[1]);

        await using var astridContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        await using var boContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(astridContext);
        problems.Watch(boContext);
        var astrid = await MediaSteps.GuestJoinsLobbyAsync(astridContext, astridLink);
        var bo = await MediaSteps.GuestJoinsLobbyAsync(boContext, boLink);
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
            await MediaSteps.ExpectFlowingAsync(page, name, others.SelectMany(o => new[] { (o, "audio"), (o, "video") }).ToList());
            await Expect(page.Locator("#stage figure[data-participant]")).ToHaveCountAsync(3);
        }

        // Astrid shares her screen; the others receive it and show it as her screen.
        await astrid.GetByRole(AriaRole.Button, new() { Name = "Share screen" }).ClickAsync();
        await Expect(astrid.GetByRole(AriaRole.Button, new() { Name = "Share screen" })).ToHaveAttributeAsync("aria-pressed", "true");
        foreach (var (name, page) in people.Where(p => p.Item2 != astrid))
        {
            await MediaSteps.ExpectFlowingAsync(page, name, [(ids[astrid], "screen")]);
            await Expect(page.Locator("#stage figure.screen")).ToContainTextAsync($"Screen shared by {AstridName}");
        }

        await Screenshots.TakeAsync(host, "meeting-three-with-screen");

        // Chat from all three at once: everyone shows the same messages in the same (seq) order.
        await Task.WhenAll(
            MediaSteps.SendChatAsync(host, "One from the host"),
            MediaSteps.SendChatAsync(astrid, "Two from Astrid"),
            MediaSteps.SendChatAsync(bo, "Three from Bo"));
        await MediaSteps.ExpectSameChatAsync([host, astrid, bo], 3);

        // Astrid's connection drops: her browser resumes with a new media connection, and the media flows again both ways.
        await astrid.EvaluateAsync("() => window.applianceDebug.reconnect()");
        await Expect(astrid.Locator("#room-status")).ToHaveTextAsync("The connection is back.");
        await MediaSteps.ExpectFlowingAsync(astrid, "Astrid after her reconnect", [(ids[host], "audio"), (ids[host], "video"), (ids[bo], "audio"), (ids[bo], "video")]);
        await MediaSteps.ExpectFlowingAsync(host, "host after Astrid's reconnect", [(ids[astrid], "audio"), (ids[astrid], "video")]);
        await Expect(host.Locator($"#roster li[data-participant='{ids[astrid]}']")).Not.ToContainTextAsync("reconnecting");

        // The host removes Bo: he is told, his tiles go, and nothing of his arrives any more.
        var boMidsAtHost = (await MediaSteps.StatsAsync(host)).Where(s => s.ParticipantId == ids[bo]).Select(s => s.Mid).ToHashSet();
        var boMidsAtAstrid = (await MediaSteps.StatsAsync(astrid)).Where(s => s.ParticipantId == ids[bo]).Select(s => s.Mid).ToHashSet();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Remove {BoName} from the meeting" }).ClickAsync();
        await Expect(bo.Locator("#finished-text")).ToHaveTextAsync("The host removed you from the meeting.");
        foreach (var (page, mids, name) in new[] { (host, boMidsAtHost, "host"), (astrid, boMidsAtAstrid, "Astrid") })
        {
            await Expect(page.Locator($"#stage figure[data-participant='{ids[bo]}']")).ToHaveCountAsync(0);
            // Nothing labelled as Bo's, nor any track that was his and is unlabelled now.
            await MediaSteps.ExpectStoppedAsync(page, name, "media of the removed participant", a => a.ParticipantId == ids[bo] || (a.ParticipantId is null && mids.Contains(a.Mid)));
        }

        await MediaSteps.ExpectFlowingAsync(astrid, "Astrid after the removal", [(ids[host], "audio"), (ids[host], "video")]);

        host.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "End the meeting for everyone" }).ClickAsync();
        await Expect(astrid.Locator("#finished-text")).ToHaveTextAsync("The meeting has ended.");
        await Expect(host.Locator("#finished-text")).ToHaveTextAsync("The meeting has ended.");

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }
}
