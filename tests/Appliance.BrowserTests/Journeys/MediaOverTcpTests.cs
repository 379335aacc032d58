using System.Text.Json;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Journeys;

/// <summary>
/// A call over ICE-TCP only (RFC 6544): the appliance offers no UDP candidate (Appliance:Media:OfferUdp=false, the
/// diagnostic switch), as a browser behind a firewall that lets no UDP through would find it; Chromium connects to
/// the passive TCP candidate, and the host and a guest receive each other's audio and video over it.
/// </summary>
[TestFixture]
public sealed class MediaOverTcpTests
{
    private const string GuestName = "Astrid Guest Lindqvist";

    [Test]
    public async Task Two_people_hear_and_see_each_other_when_only_ICE_TCP_is_offered()
    {
        await using var appliance = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:Media:OfferUdp"] = "false" });
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var (host, links) = await MediaSteps.HostOpensMeetingAsync(staff, appliance.BootstrapLink!, GuestName);

        await using var guestContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(guestContext);
        var guest = await MediaSteps.GuestJoinsLobbyAsync(guestContext, links[0]);
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {GuestName}" }).ClickAsync();
        await Expect(guest.Locator("#meeting")).ToBeVisibleAsync();

        var hostId = await host.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        var guestId = await guest.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        await MediaSteps.ExpectFlowingAsync(host, "host", [(guestId, "audio"), (guestId, "video")]);
        await MediaSteps.ExpectFlowingAsync(guest, "guest", [(hostId, "audio"), (hostId, "video")]);

        foreach (var (name, page) in new[] { ("host", host), ("guest", guest) })
        {
            var path = await page.EvaluateAsync<JsonElement>("() => window.applianceDebug.selectedPath()");
            TestContext.Out.WriteLine($"{name}'s selected pair: {path}");
            Assert.That(path.ValueKind, Is.EqualTo(JsonValueKind.Object), $"{name} has a selected candidate pair");
            Assert.That(path.GetProperty("localProtocol").GetString(), Is.EqualTo("tcp"), $"{name}'s media goes over TCP");
            Assert.That(path.GetProperty("remoteProtocol").GetString(), Is.EqualTo("tcp"));
        }

        var counters = appliance.Service<Appliance.Media.Conference.ConferenceMedia>().GetCounters();
        TestContext.Out.WriteLine($"media server: {counters.Server}");
        Assert.That(counters.Server[Appliance.Media.Transport.MediaCounter.TcpConnectionsAuthenticated], Is.GreaterThanOrEqualTo(2), "one connection per browser at least");
        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }
}
