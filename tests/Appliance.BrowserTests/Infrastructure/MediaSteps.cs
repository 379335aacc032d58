using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// Steps of the media journeys: guests through the lobby, chat, and what arrives, read from each browser's getStats()
/// through the client's debug hook.
/// </summary>
internal static class MediaSteps
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The first administrator books an Internal meeting that starts now, invites <paramref name="guests"/> and joins it:
    /// the host's page, in the meeting, and each guest's link in the same order.
    /// </summary>
    public static async Task<(IPage Host, IReadOnlyList<string> GuestLinks)> HostOpensMeetingAsync(IBrowserContext staff, Uri bootstrapLink, params string[] guests)
    {
        var host = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(host, bootstrapLink, StaffSteps.Administrator);
        await StaffSteps.BookMeetingAsync(host, MeetingNow("Internal"));
        var links = new List<string>();
        foreach (var guest in guests)
        {
            links.Add(await StaffSteps.InviteGuestAsync(host, guest));
        }

        await host.GetByRole(AriaRole.Link, new() { Name = "Open the meeting room" }).ClickAsync();
        await host.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(host.Locator("#meeting")).ToBeVisibleAsync();
        return (host, links);
    }

    public static async Task<IPage> GuestJoinsLobbyAsync(IBrowserContext context, string link, string? pin = null)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await EnterPinAsync(page, pin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Join the meeting" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Join now" }).ClickAsync();
        await Expect(page.Locator("#lobby")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>On a guest link that asks for a PIN (levels that require link and PIN), enters it.</summary>
    public static async Task EnterPinAsync(IPage page, string? pin)
    {
        if (pin is null)
        {
            return;
        }

        await page.GetByLabel("PIN", new() { Exact = true }).FillAsync(pin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    public static async Task SendChatAsync(IPage page, string text)
    {
        await page.GetByLabel("Message").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    /// <summary>
    /// Waits until every page shows <paramref name="count"/> chat messages, in seq order, and the same order on all;
    /// returns the texts as shown.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ExpectSameChatAsync(IReadOnlyList<IPage> pages, int count)
    {
        var orders = new List<IReadOnlyList<string>>();
        foreach (var page in pages)
        {
            await Expect(page.Locator("#chat-log li")).ToHaveCountAsync(count);
            var seqs = await page.Locator("#chat-log li").EvaluateAllAsync<int[]>("items => items.map(i => Number(i.dataset.seq))");
            Assert.That(seqs, Is.Ordered.Ascending.And.Unique, "chat shown by seq");
            orders.Add(await page.Locator("#chat-log .chat-text").AllTextContentsAsync());
        }

        var distinct = orders.Select(o => string.Join(" | ", o)).Distinct().ToList();
        Assert.That(distinct, Has.Count.EqualTo(1), "everyone sees the same order: " + string.Join(" / ", distinct));
        return orders[0];
    }

    /// <summary>
    /// Waits until every (participant, kind) has a remote track whose packets (and, for video, decoded frames) grow
    /// between two readings a second and a half apart.
    /// </summary>
    public static async Task ExpectFlowingAsync(IPage page, string who, IReadOnlyList<(string ParticipantId, string Kind)> expected)
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

    /// <summary>
    /// Waits until no track that <paramref name="stopping"/> picks (say, a participant's, or the tracks that carried their
    /// screen) grows between two readings; <paramref name="what"/> names them in the failure.
    /// </summary>
    public static async Task ExpectStoppedAsync(IPage page, string who, string what, Func<TrackStats, bool> stopping)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (true)
        {
            var before = await StatsAsync(page);
            await Task.Delay(1500);
            var after = await StatsAsync(page);
            var still = after.Where(a => stopping(a) && Grew(before, a)).ToList();
            if (still.Count == 0)
            {
                TestContext.Out.WriteLine($"{who} no longer receives {what}: {string.Join("; ", after.Select(a => a.ToString()))}");
                return;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"{who} still receives {what}: {string.Join("; ", still)}");
            }
        }
    }

    public static bool Grew(IReadOnlyList<TrackStats> before, TrackStats now)
    {
        var earlier = before.FirstOrDefault(b => b.Mid == now.Mid);
        var packets = now.PacketsReceived > (earlier?.PacketsReceived ?? 0);
        var frames = now.Kind == "audio" || now.FramesDecoded > (earlier?.FramesDecoded ?? 0);
        return packets && frames;
    }

    public static async Task<IReadOnlyList<TrackStats>> StatsAsync(IPage page)
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

    /// <summary>A meeting of the given classification (its radio label) that starts this minute.</summary>
    public static MeetingToBook MeetingNow(string classification)
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        return StaffSteps.InternalMeeting() with { StartsAt = start, EndsAt = start.AddHours(1), Classification = classification };
    }

    public sealed record TrackStats(string Mid, string Kind, string? ParticipantId, long PacketsReceived, long FramesDecoded, long BytesReceived)
    {
        public override string ToString() =>
            $"mid {Mid} {Kind} of {ParticipantId ?? "nobody"}: {PacketsReceived} packets, {FramesDecoded} frames, {BytesReceived} bytes";
    }
}
