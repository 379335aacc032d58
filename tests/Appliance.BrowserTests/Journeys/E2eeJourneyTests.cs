using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Core.Rooms;
using Appliance.Crypto.E2ee;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Media.Sfu;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Journeys;

/// <summary>
/// End-to-end encryption in real browsers, through the appliance's own media plane with a tap on its forwarding path:
/// three people decode each other while everything forwarded is SFrame; one leaves and the keys they held open nothing
/// sent afterwards; a tampered frame is refused and counted; chat is sealed; and a browser that cannot encrypt is shown
/// to everyone, or refused where the level requires encryption.
/// </summary>
[TestFixture]
public sealed class E2eeJourneyTests
{
    private const string AstridName = "Astrid Guest Lindqvist";
    private const string BoName = "Bo Guest Jensen";
    private const string OldBrowserName = "Olle Old Browser";

    // Confidential requires link and PIN for every guest.
    private const string GuestPin = "482915";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // What a browser without encoded transforms looks like to the page (an old Firefox or Safari, say).
    private const string WithoutEncodedTransforms = """
        delete window.RTCRtpScriptTransform;
        delete RTCRtpSender.prototype.createEncodedStreams;
        delete RTCRtpReceiver.prototype.createEncodedStreams;
        """;

    [Test]
    public async Task Three_decode_each_other_encrypted_one_leaves_and_their_keys_open_nothing_sent_after_and_the_server_forwards_no_plaintext()
    {
        var tap = new SframeTap();
        // A fresh meeting numbers its senders 1, 2, 3 in order of admission: host, Astrid, Bo.
        tap.AllowSenders([1, 2, 3]);
        await using var appliance = await TestAppliance.StartAsync(configure: builder => builder.Services.AddSingleton<IForwardingTap>(tap));
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        var details = await StaffSteps.BookMeetingAsync(host, MediaSteps.MeetingNow("Confidential"));
        var meetingId = details[(details.LastIndexOf('/') + 1)..];
        var astridLink = await StaffSteps.InviteGuestAsync(host, AstridName, GuestPin);
        var boLink = await StaffSteps.InviteGuestAsync(host, BoName, GuestPin);
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();

        await using var astridContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        await using var boContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        // Bo's page keeps the sender keys it opens, so that the test can try them after he left.
        await boContext.AddInitScriptAsync("window.applianceTestHooks = Object.freeze({ keepKeys: true });");
        problems.Watch(astridContext);
        problems.Watch(boContext);
        var astrid = await MediaSteps.GuestJoinsLobbyAsync(astridContext, astridLink, GuestPin);
        var bo = await MediaSteps.GuestJoinsLobbyAsync(boContext, boLink, GuestPin);
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {AstridName}" }).ClickAsync();
        await Expect(astrid.Locator("#meeting")).ToBeVisibleAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {BoName}" }).ClickAsync();
        await Expect(bo.Locator("#meeting")).ToBeVisibleAsync();

        var people = new[] { ("host", host), ("Astrid", astrid), ("Bo", bo) };
        var ids = new Dictionary<IPage, string>();
        foreach (var (_, page) in people)
        {
            ids[page] = await page.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
            await Expect(page.Locator("#e2ee-text")).ToHaveTextAsync("End-to-end encrypted");
        }

        var codeOfThree = await SameCodeAsync([host, astrid, bo], previous: null);
        var senderIndexes = new Dictionary<IPage, int>();
        foreach (var (_, page) in people)
        {
            senderIndexes[page] = (await E2eeAsync(page)).GetProperty("senderIndex").GetInt32();
        }

        Assert.That(senderIndexes.Values.Order(), Is.EqualTo(new[] { 1, 2, 3 }), "sender indexes in order of admission");

        // Everyone decodes the other two's camera and hears their microphone, and the frames went through SFrame.
        foreach (var (name, page) in people)
        {
            var others = people.Where(p => p.Item2 != page).Select(p => ids[p.Item2]).ToList();
            await MediaSteps.ExpectFlowingAsync(page, name, others.SelectMany(o => new[] { (o, "audio"), (o, "video") }).ToList());
            await ExpectDecryptingAsync(page, name);
        }

        // Chat from all three at once: sealed, shown in the same order everywhere; the server keeps ciphertext only.
        string[] texts = ["One from the host", "Two from Astrid", "Three from Bo"];
        await Task.WhenAll(MediaSteps.SendChatAsync(host, texts[0]), MediaSteps.SendChatAsync(astrid, texts[1]), MediaSteps.SendChatAsync(bo, texts[2]));
        var shown = await MediaSteps.ExpectSameChatAsync([host, astrid, bo], 3);
        Assert.That(shown, Is.EquivalentTo(texts), "every message opened");
        var stored = appliance.Service<MeetingRooms>().Find(meetingId)!.RecentChat();
        Assert.Multiple(() =>
        {
            Assert.That(stored, Has.Count.EqualTo(3));
            Assert.That(stored.Select(m => m.Text), Is.All.Null, "no plain text kept");
            foreach (var message in stored)
            {
                var ciphertext = Base64UrlDecode(message.Sealed!);
                foreach (var text in texts)
                {
                    Assert.That(Contains(ciphertext, Encoding.UTF8.GetBytes(text)), Is.False, "the sealed chat does not carry the text");
                }
            }
        });

        // A flipped bit in frames the host receives: each is refused and counted as tampered, and decoding goes on.
        var beforeTamper = await E2eeAsync(host);
        await host.EvaluateAsync("() => window.applianceDebug.tamper(5)");
        await ExpectCounterAsync(host, "tampered", Tampered(beforeTamper) + 5);
        await MediaSteps.ExpectFlowingAsync(host, "host after tampered frames", [(ids[astrid], "video"), (ids[bo], "video")]);

        // Bo leaves, holding the host's and Astrid's sender keys of the epoch of three.
        var held = await bo.EvaluateAsync<JsonElement>("() => window.applianceDebug.heldKeys()");
        var heldKeys = held.EnumerateArray()
            .Select(k => new HeldKey(k.GetProperty("senderIndex").GetInt32(), k.GetProperty("gen").GetInt32(), Base64UrlDecode(k.GetProperty("baseKey").GetString()!)))
            .ToList();
        Assert.That(heldKeys.Select(k => k.SenderIndex).Distinct().Order(), Is.EqualTo(new[] { senderIndexes[host], senderIndexes[astrid] }.Order()), "Bo held the others' keys");
        var left = Stopwatch.GetTimestamp();
        await bo.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();

        var codeOfTwo = await SameCodeAsync([host, astrid], previous: codeOfThree);
        foreach (var page in new[] { host, astrid })
        {
            await Expect(page.Locator("#e2ee-text")).ToHaveTextAsync("End-to-end encrypted");
            await Expect(page.Locator("#e2ee-announce")).ToContainTextAsync("security code changed");
            await Expect(page.Locator("#e2ee-compared")).Not.ToBeCheckedAsync();
        }

        await MediaSteps.ExpectFlowingAsync(host, "host after Bo left", [(ids[astrid], "audio"), (ids[astrid], "video")]);
        await MediaSteps.ExpectFlowingAsync(astrid, "Astrid after Bo left", [(ids[host], "audio"), (ids[host], "video")]);
        await ExpectDecryptingAsync(host, "host after Bo left");
        await ExpectDecryptingAsync(astrid, "Astrid after Bo left");

        // What Bo's keys open: the remaining two's audio from before he left, and nothing of what they sent after.
        var before = tap.AudioSince(0).Where(a => a.At < left).ToList();
        var after = tap.AudioSince(left).ToList();
        var openedBefore = 0;
        var triedAfter = 0;
        foreach (var sender in new[] { senderIndexes[host], senderIndexes[astrid] })
        {
            var his = heldKeys.Where(k => k.SenderIndex == sender).ToList();
            var heldKids = his.Select(k => SenderKid.Compose(sender, StreamKind.Microphone, k.Generation)).ToHashSet();
            var old = before.Where(a => heldKids.Contains(a.Kid)).TakeLast(50).ToList();
            var fresh = after.Where(a => Parts(a.Kid).SenderIndex == sender && !heldKids.Contains(a.Kid)).Take(50).ToList();
            Assert.That(old, Is.Not.Empty, $"sender {sender}: frames under the keys Bo held");
            Assert.That(fresh, Is.Not.Empty, $"sender {sender}: frames under a new key after Bo left");
            foreach (var frame in old)
            {
                var key = his.Single(k => SenderKid.Compose(sender, StreamKind.Microphone, k.Generation) == frame.Kid);
                Assert.That(Open(frame, key.BaseKey), Is.EqualTo(SframeResult.Ok), "Bo's key opened what was sent while he was there");
                openedBefore++;
            }

            foreach (var frame in fresh)
            {
                foreach (var key in his)
                {
                    Assert.That(Open(frame, key.BaseKey), Is.Not.EqualTo(SframeResult.Ok), "Bo's keys open nothing sent after he left");
                    triedAfter++;
                }
            }
        }

        var counts = tap.Counts;
        TestContext.Out.WriteLine($"Security codes: {codeOfThree} with three, {codeOfTwo} with two");
        TestContext.Out.WriteLine($"Bo's keys opened {openedBefore} frames from before he left and none of {triedAfter} tries on frames from after");
        TestContext.Out.WriteLine($"Tap: {counts}");
        Assert.Multiple(() =>
        {
            Assert.That(counts.AudioPackets, Is.GreaterThan(500));
            Assert.That(counts.VideoFrameStarts, Is.GreaterThan(200));
            Assert.That(counts.AudioSframe, Is.EqualTo(counts.AudioPackets), "every audio payload is SFrame of a roster sender");
            Assert.That(counts.VideoSframe, Is.EqualTo(counts.VideoFrameStarts), "every VP8 frame start is SFrame of a roster sender");
            Assert.That(counts.Plaintext, Is.Zero, "no plaintext forwarded: " + string.Join("; ", counts.PlaintextSamples));
            Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
        });
    }

    [Test]
    public async Task A_browser_that_cannot_encrypt_is_named_in_an_internal_meeting_whose_media_then_flows_unencrypted()
    {
        await using var appliance = await TestAppliance.StartAsync();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MediaSteps.MeetingNow("Internal"));
        var link = await StaffSteps.InviteGuestAsync(host, OldBrowserName);
        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#e2ee-text")).ToHaveTextAsync("End-to-end encrypted");

        await using var oldContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        await oldContext.AddInitScriptAsync(WithoutEncodedTransforms);
        var guest = await MediaSteps.GuestJoinsLobbyAsync(oldContext, link);
        await host.GetByRole(AriaRole.Button, new() { Name = $"Let in {OldBrowserName}" }).ClickAsync();
        await Expect(guest.Locator("#meeting")).ToBeVisibleAsync();

        await Expect(host.Locator("#e2ee-text")).ToHaveTextAsync($"Not end-to-end encrypted: {OldBrowserName}'s browser cannot");
        await Expect(host.Locator("#e2ee-code-box")).ToBeHiddenAsync();
        await Expect(host.Locator("#e2ee-announce")).ToHaveTextAsync($"Not end-to-end encrypted: {OldBrowserName}'s browser cannot");
        await Expect(guest.Locator("#e2ee-text")).ToContainTextAsync("Not end-to-end encrypted: this browser cannot");
        var hostId = await host.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        var guestId = await guest.EvaluateAsync<string>("() => window.applianceDebug.participantId()");
        await MediaSteps.ExpectFlowingAsync(host, "host with an old browser in the meeting", [(guestId, "audio"), (guestId, "video")]);
        await MediaSteps.ExpectFlowingAsync(guest, "the old browser", [(hostId, "audio"), (hostId, "video")]);
        Assert.That(await guest.EvaluateAsync<JsonElement>("() => window.applianceDebug.e2ee()"), Has.Property("ValueKind").EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task A_browser_that_cannot_encrypt_is_refused_from_a_confidential_meeting_and_told_what_to_use()
    {
        await using var appliance = await TestAppliance.StartAsync();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, appliance.BootstrapLink!, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MediaSteps.MeetingNow("Confidential"));
        var link = await StaffSteps.InviteGuestAsync(host, OldBrowserName, GuestPin);

        await using var oldContext = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        await oldContext.AddInitScriptAsync(WithoutEncodedTransforms);
        var guest = await oldContext.NewPageAsync();
        await guest.GotoAsync(link);
        await MediaSteps.EnterPinAsync(guest, GuestPin);
        await guest.GetByRole(AriaRole.Link, new() { Name = "Join the meeting" }).ClickAsync();
        await guest.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();

        await Expect(guest.Locator("#finished-text")).ToHaveTextAsync(
            "This meeting must be end-to-end encrypted, and this browser cannot do that. Join with a current version of Chrome, Edge, Firefox or Safari.");
        await Expect(guest.Locator("#lobby")).ToBeHiddenAsync();
        await Expect(guest.Locator("#rejoin")).ToBeHiddenAsync();
    }

    private static SframeResult Open(TappedAudio frame, byte[] baseKey)
    {
        // The key of the frame's own KID derived from the old base key: were the new base key not fresh, this would open it.
        using var key = SframeKey.Derive(SframeSuite.AesGcm128Sha256, frame.Kid, baseKey);
        var receiver = new SframeReceiver(rejectReplays: false);
        receiver.AddKey(key);
        var plaintext = new byte[frame.Payload.Length];
        return WebRtcFrames.UnprotectAudioFrame(receiver, frame.Payload, plaintext, out _);
    }

    private static SenderKidParts Parts(ulong kid) => SenderKid.TryDecompose(kid, out var parts) ? parts : default;

    // Waits until every page shows the same security code, different from the previous one; returns it.
    private static async Task<string> SameCodeAsync(IReadOnlyList<IPage> pages, string? previous)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        var codes = new List<string>();
        while (true)
        {
            codes.Clear();
            foreach (var page in pages)
            {
                codes.Add(await page.Locator("#e2ee-code").TextContentAsync() ?? "");
            }

            if (codes[0].Length == 14 && codes.Distinct().Count() == 1 && codes[0] != previous)
            {
                Assert.That(codes[0], Does.Match("^[0-9]{4} [0-9]{4} [0-9]{4}$"));
                var spoken = await pages[0].Locator("#e2ee-code").GetAttributeAsync("aria-label");
                Assert.That(spoken, Is.EqualTo(string.Join(", ", codes[0].Split(' ').Select(g => string.Join(' ', g.ToCharArray())))), "read digit by digit");
                return codes[0];
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"The security codes do not agree (or did not change from {previous}): {string.Join(" / ", codes)}");
            }

            await Task.Delay(250);
        }
    }

    // The page's worker decrypts audio and video frames, more between two readings.
    private static async Task ExpectDecryptingAsync(IPage page, string who)
    {
        var first = await E2eeAsync(page);
        await Task.Delay(1500);
        var second = await E2eeAsync(page);
        TestContext.Out.WriteLine($"{who} E2EE: {second}");
        Assert.Multiple(() =>
        {
            Assert.That(Kind(second, "video", "decrypted"), Is.GreaterThan(Kind(first, "video", "decrypted")), $"{who} decrypts video");
            Assert.That(Kind(second, "audio", "decrypted"), Is.GreaterThan(Kind(first, "audio", "decrypted")), $"{who} decrypts audio");
            Assert.That(Kind(second, "video", "encrypted"), Is.GreaterThan(Kind(first, "video", "encrypted")), $"{who} encrypts video");
            Assert.That(second.GetProperty("sentInClear").GetInt64(), Is.Zero, $"{who} sent nothing in clear");
        });
    }

    private static async Task ExpectCounterAsync(IPage page, string reason, long atLeast)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (Tampered(await E2eeAsync(page)) < atLeast)
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"{reason} did not reach {atLeast}: {await E2eeAsync(page)}");
            }

            await Task.Delay(200);
        }
    }

    private static long Tampered(JsonElement e2ee) => e2ee.GetProperty("dropped").GetProperty("tampered").GetInt64();

    private static long Kind(JsonElement e2ee, string kind, string counter) => e2ee.GetProperty("byKind").GetProperty(kind).GetProperty(counter).GetInt64();

    private static Task<JsonElement> E2eeAsync(IPage page) => page.EvaluateAsync<JsonElement>("() => window.applianceDebug.e2ee()");

    private static byte[] Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private sealed record HeldKey(int SenderIndex, int Generation, byte[] BaseKey);
}
