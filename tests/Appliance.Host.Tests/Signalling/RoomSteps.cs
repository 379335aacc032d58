using System.Globalization;
using System.Net;
using System.Text.Json;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Signalling;

/// <summary>Someone connected to a meeting: their socket and what the welcome told them.</summary>
internal sealed record Connected(TestSocket Socket, JsonElement Welcome)
{
    public string Id => Welcome.GetProperty("participantId").GetString()!;

    public string ResumeToken => Welcome.GetProperty("resumeToken").GetString()!;

    public string State => Welcome.GetProperty("state").GetString()!;
}

/// <summary>Booking a meeting that runs now, getting join tickets from the meeting pages, and entering.</summary>
internal static class RoomSteps
{
    /// <summary>Books a meeting starting this minute (the room opens for guests at once) and returns its id.</summary>
    public static async Task<string> BookNowAsync(StaffSession organiser, string title)
    {
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var page = await Forms.SubmitAsync(organiser.Client, "/meetings/new", MeetingPages.BookingFields(title, start, start.AddHours(1), "internal"));
        if (page.Status != HttpStatusCode.Redirect || page.Location?.StartsWith("/meetings/", StringComparison.Ordinal) != true)
        {
            throw new AssertionException($"Booking answered {(int)page.Status}: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
        }

        return page.Location["/meetings/".Length..];
    }

    /// <summary>The join ticket on the organiser's meeting room page.</summary>
    public static async Task<string> StaffTicketAsync(StaffSession organiser, string meetingId)
    {
        var page = await Forms.GetAsync(organiser.Client, $"/meetings/{meetingId}/room");
        return TicketOf(page);
    }

    /// <summary>The join ticket on a guest's meeting room page (a browser without cookies).</summary>
    public static async Task<string> GuestTicketAsync(TestAppliance appliance, IssuedInvitation invitation)
    {
        using var browser = appliance.CreateClient();
        var page = await Forms.GetAsync(browser, invitation.Path + "/room");
        return TicketOf(page);
    }

    /// <summary>Connects, says hello with the ticket and waits for the welcome.</summary>
    public static async Task<Connected> EnterAsync(TestAppliance appliance, string ticket)
    {
        var socket = await TestSocket.ConnectAsync(appliance);
        await socket.SendAsync("hello", new { ticket });
        var first = await socket.NextAsync();
        if (TestSocket.TypeOf(first) != "welcome")
        {
            throw new AssertionException($"Expected a welcome, got {first}");
        }

        return new Connected(socket, first);
    }

    /// <summary>The organiser enters their meeting.</summary>
    public static async Task<Connected> HostEntersAsync(StaffSession organiser, string meetingId) =>
        await EnterAsync(organiser.Appliance, await StaffTicketAsync(organiser, meetingId));

    /// <summary>A new guest is invited and enters (they wait in the lobby).</summary>
    public static async Task<(Connected Guest, IssuedInvitation Invitation)> GuestEntersAsync(StaffSession organiser, string meetingId, string name)
    {
        var invitation = await MeetingPages.InviteAsync(organiser, meetingId, name);
        var guest = await EnterAsync(organiser.Appliance, await GuestTicketAsync(organiser.Appliance, invitation));
        return (guest, invitation);
    }

    /// <summary>The roster entry of a participant.</summary>
    public static JsonElement InRoster(JsonElement roster, string participantId) =>
        roster.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("participantId").GetString() == participantId);

    /// <summary>The ids in a roster message.</summary>
    public static List<string> RosterIds(JsonElement roster) =>
        roster.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("participantId").GetString()!).ToList();

    /// <summary>The ids in a lobby-queue message.</summary>
    public static List<string> WaitingIds(JsonElement queue) =>
        queue.GetProperty("waiting").EnumerateArray().Select(p => p.GetProperty("participantId").GetString()!).ToList();

    /// <summary>The value of a counter series on /metrics (0 when it has not been written yet).</summary>
    public static async Task<double> MetricAsync(TestAppliance appliance, string series)
    {
        using var client = appliance.CreateClient();
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static string TicketOf(PageResponse page) =>
        Forms.ValueOf(page.Body, "room", "data-ticket")
        ?? throw new AssertionException($"The meeting room page ({(int)page.Status}) has no join ticket: {MeetingPages.VisibleText(page.Body)}");
}
