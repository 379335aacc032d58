using System.Text;
using System.Text.Json;
using Appliance.Host.Signalling;
using Appliance.Host.Tests.Infrastructure;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// The roster travels as changes (PROTOCOL.md, <c>roster-update</c>): in a meeting of 60 a join, a leave, a removal, a
/// hand or a mute costs each of the others one small message naming only who changed, at the next revision; whoever has
/// no roster (the one entering, the one coming back, the one who asks) gets the whole list once. Hands and media flags
/// changed at the same moment go out together.
/// </summary>
public sealed class RosterUpdateTests : ApplianceFixture
{
    private const int RoomSize = 60;

    private readonly OpenSockets _sockets = new();
    private string _meetingId = null!;
    private Connected _hostIn = null!;
    private List<Connected> _guests = null!;

    [OneTimeSetUp]
    public async Task GatherTheRoomAsync()
    {
        (_meetingId, _hostIn, _guests) = await MeetingOfAsync("A meeting of sixty", RoomSize);
    }

    [OneTimeTearDown]
    public Task CloseSocketsAsync() => _sockets.CloseAllAsync();

    // Every test starts from sockets that have read everything sent so far. Whoever acts in a test is drained first
    // afterwards: the answer to their ping comes after their action was handled, and so after its updates were queued.
    [SetUp]
    public async Task DrainAsync()
    {
        foreach (var person in Everyone())
        {
            await person.Socket.DrainAsync();
        }
    }

    [Test]
    public async Task Join_into_a_meeting_of_sixty_sends_each_one_there_one_update_with_only_the_joiner()
    {
        var revisions = Everyone().ToDictionary(p => p.Id, p => Revision(p.Socket.Roster));

        var joiner = await NewGuestJoinsAsync(_meetingId, "Nina Nielsen");
        _guests.Add(joiner);
        var seen = await UpdatesSinceAsync(Everyone().Where(p => p.Id != joiner.Id));

        Assert.Multiple(() =>
        {
            Assert.That(joiner.Socket.Roster.GetProperty("participants").GetArrayLength(), Is.EqualTo(RoomSize + 1), "the joiner gets the whole roster");
            foreach (var (id, messages) in seen)
            {
                Assert.That(messages.Where(m => TestSocket.TypeOf(m) == "roster"), Is.Empty, $"{id}: no whole roster");
                var update = messages.Single(m => TestSocket.TypeOf(m) == "roster-update");
                Assert.That(RosterIds(update), Is.EqualTo(new[] { joiner.Id }), $"{id}: only the joiner");
                Assert.That(update.GetProperty("removed").GetArrayLength(), Is.Zero);
                Assert.That(update.GetProperty("revision").GetInt64(), Is.EqualTo(revisions[id] + 1), $"{id}: the next revision");
                Assert.That(Encoding.UTF8.GetByteCount(update.GetRawText()), Is.LessThan(600), $"{id}: a small message");
            }
        });
    }

    [Test]
    public async Task Hand_and_mute_send_everyone_updates_with_only_that_participant_one_revision_each()
    {
        var bo = _guests[0];
        var revisions = Everyone().ToDictionary(p => p.Id, p => Revision(p.Socket.Roster));
        var read = Everyone().ToDictionary(p => p.Id, p => p.Socket.Seen.Count);

        await bo.Socket.SendAsync("hand", new { raised = true });
        await bo.Socket.SendAsync("media-state", new { audioMuted = true, videoMuted = false, screenSharing = false });
        var seen = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        foreach (var person in Everyone())
        {
            await person.Socket.ExpectRosterAsync(r => !InRoster(r, bo.Id).GetProperty("videoMuted").GetBoolean());
            await person.Socket.DrainAsync();
            seen[person.Id] = person.Socket.Seen.Skip(read[person.Id]).ToList();
        }

        Assert.Multiple(() =>
        {
            foreach (var (id, messages) in seen)
            {
                // One update for both as a rule (50 ms apart at most); two when a busy machine read them further apart.
                var updates = messages.Where(m => TestSocket.TypeOf(m) == "roster-update").ToList();
                Assert.That(updates, Has.Count.InRange(1, 2), id);
                Assert.That(updates.Select(RosterIds), Is.All.EqualTo(new[] { bo.Id }), id);
                Assert.That(updates.Select(u => u.GetProperty("revision").GetInt64()), Is.EqualTo(Enumerable.Range(1, updates.Count).Select(n => revisions[id] + n)), $"{id}: one revision per update");
                Assert.That(updates[^1].GetProperty("participants")[0].GetProperty("handRaised").GetBoolean(), Is.True, "the hand and the flags as they are");
            }

            var roster = _hostIn.Socket.Roster;
            Assert.That(RosterIds(roster), Has.Count.EqualTo(_guests.Count + 1), "applied on top, nobody lost");
            Assert.That(InRoster(roster, bo.Id).GetProperty("handRaised").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task Leave_and_removal_send_the_others_only_the_id_gone_and_a_new_epoch()
    {
        var leaving = _guests[1];
        var removed = _guests[2];
        _guests.Remove(leaving);
        _guests.Remove(removed);
        var epoch = Epoch(_hostIn.Socket.Roster);

        await leaving.Socket.SendAsync("leave");
        await leaving.Socket.ClosedAsync();
        await _hostIn.Socket.SendAsync("remove", new { participantId = removed.Id });
        var seen = await UpdatesSinceAsync(Everyone());

        Assert.Multiple(() =>
        {
            foreach (var (id, messages) in seen)
            {
                var updates = messages.Where(m => TestSocket.TypeOf(m) == "roster-update").ToList();
                Assert.That(updates.Select(u => u.GetProperty("removed").EnumerateArray().Single().GetString()), Is.EqualTo(new[] { leaving.Id, removed.Id }), id);
                Assert.That(updates.Select(u => u.GetProperty("participants").GetArrayLength()), Is.All.Zero, id);
                Assert.That(updates.Select(u => Epoch(u)), Is.EqualTo(new[] { epoch + 1, epoch + 2 }), $"{id}: a change of the admitted set is a new epoch");
            }

            Assert.That(RosterIds(_hostIn.Socket.Roster), Does.Not.Contain(leaving.Id).And.Not.Contain(removed.Id));
        });
    }

    [Test]
    public async Task Roster_request_answers_with_the_whole_roster_at_the_current_revision()
    {
        var eva = _guests[3];
        var held = eva.Socket.Roster;

        await eva.Socket.SendAsync("roster-request", new { id = "again" });
        var full = await eva.Socket.ExpectAsync("roster");
        var others = await UpdatesSinceAsync(Everyone().Where(p => p.Id != eva.Id));

        Assert.Multiple(() =>
        {
            Assert.That(full.GetProperty("revision").GetInt64(), Is.EqualTo(Revision(held)));
            Assert.That(RosterIds(full), Is.EqualTo(RosterIds(held)));
            Assert.That(full.GetProperty("participants").GetRawText(), Is.EqualTo(held.GetProperty("participants").GetRawText()), "the updates applied make the same roster");
            Assert.That(Epoch(full), Is.EqualTo(Epoch(held)));
            Assert.That(others.Values.SelectMany(m => m).Where(m => TestSocket.TypeOf(m) is "roster" or "roster-update"), Is.Empty, "only the one who asked");
        });
    }

    [Test]
    public async Task Roster_request_is_validated_and_refused_in_the_lobby()
    {
        var internalMeeting = await BookNowAsync(Admin, "With a lobby");
        var host = Track(await HostEntersAsync(Admin, internalMeeting));
        var (waiting, _) = await GuestEntersAsync(Admin, internalMeeting, "Still Waiting");
        Track(waiting);

        await waiting.Socket.SendAsync("roster-request");
        var notAdmitted = await waiting.Socket.ExpectAsync("error");
        await _guests[4].Socket.SendAsync("roster-request", new { since = 3 });
        var unknownField = await _guests[4].Socket.ExpectAsync("error");
        await host.Socket.SendAsync("leave");

        Assert.Multiple(() =>
        {
            Assert.That(notAdmitted.GetProperty("code").GetString(), Is.EqualTo("not-admitted"));
            Assert.That(unknownField.GetProperty("code").GetString(), Is.EqualTo("unknown-field"));
            Assert.That(unknownField.GetProperty("field").GetString(), Is.EqualTo("since"));
        });
    }

    [Test]
    public async Task Resume_gets_the_whole_roster_and_the_others_one_update()
    {
        var bo = _guests[5];
        bo.Socket.Drop();
        await _hostIn.Socket.ExpectRosterAsync(r => !InRoster(r, bo.Id).GetProperty("connected").GetBoolean());
        await UpdatesSinceAsync(Everyone().Where(p => p.Id != bo.Id));
        var revisions = Everyone().Where(p => p.Id != bo.Id).ToDictionary(p => p.Id, p => Revision(p.Socket.Roster));

        var back = Track(await TestSocket.ConnectAsync(Appliance));
        await back.SendAsync("hello", new { resume = bo.ResumeToken });
        var welcome = await back.NextAsync();
        var seen = await UpdatesSinceAsync(Everyone().Where(p => p.Id != bo.Id));
        _guests[5] = new Connected(back, welcome);

        Assert.Multiple(() =>
        {
            Assert.That(welcome.GetProperty("roster").GetArrayLength(), Is.EqualTo(_guests.Count + 1));
            Assert.That(welcome.GetProperty("rosterRevision").GetInt64(), Is.EqualTo(revisions[_hostIn.Id] + 1));
            foreach (var (id, messages) in seen)
            {
                var update = messages.Single(m => TestSocket.TypeOf(m) == "roster-update");
                Assert.That(RosterIds(update), Is.EqualTo(new[] { bo.Id }), id);
                Assert.That(update.GetProperty("participants")[0].GetProperty("connected").GetBoolean(), Is.True);
                Assert.That(update.GetProperty("revision").GetInt64(), Is.EqualTo(revisions[id] + 1), id);
            }
        });
    }

    [Test]
    public async Task Join_into_a_meeting_of_a_hundred_sends_far_fewer_roster_bytes_than_the_whole_list_to_everyone()
    {
        var (meetingId, host, guests) = await MeetingOfAsync("A meeting of a hundred", 99);
        var there = guests.Prepend(host).ToList();
        foreach (var person in there)
        {
            await person.Socket.DrainAsync();
        }

        var joiner = await NewGuestJoinsAsync(meetingId, "The Hundredth Guest");
        var seen = await UpdatesSinceAsync(there);
        var after = seen.Values.SelectMany(m => m).Where(m => TestSocket.TypeOf(m) is "roster" or "roster-update").Sum(m => Encoding.UTF8.GetByteCount(m.GetRawText()));

        // Before: each of the 99 got the whole roster of 100 as a roster message (as now asked for, without its revision).
        await joiner.Socket.SendAsync("roster-request");
        var full = await joiner.Socket.ExpectAsync("roster");
        var wholeRoster = Encoding.UTF8.GetByteCount(full.GetRawText()) - Encoding.UTF8.GetByteCount($"\"revision\":{full.GetProperty("revision").GetInt64()},");
        var before = wholeRoster * there.Count;
        await TestContext.Out.WriteLineAsync($"Roster bytes to the 99 others at the 100th join: before {before:N0} ({wholeRoster:N0} each), after {after:N0} ({after / there.Count:N0} each)");

        Assert.Multiple(() =>
        {
            Assert.That(RosterIds(full), Has.Count.EqualTo(100));
            Assert.That(seen.Values.Select(m => m.Count(x => TestSocket.TypeOf(x) == "roster-update")), Is.All.EqualTo(1));
            Assert.That(after, Is.LessThan(before / 50), "at least fifty times fewer bytes");
        });
    }

    private IEnumerable<Connected> Everyone() => _guests.Prepend(_hostIn);

    private Connected Track(Connected person) => _sockets.Track(person);

    private TestSocket Track(TestSocket socket) => _sockets.Track(socket);

    // The host and size - 1 guests, all admitted; every socket has read all it was sent.
    private async Task<(string MeetingId, Connected Host, List<Connected> Guests)> MeetingOfAsync(string title, int size)
    {
        var meetingId = await BookNowAsync(Admin, title, "open");
        var host = Track(await HostEntersAsync(Admin, meetingId));
        var guests = new List<Connected>();
        for (var i = 1; i < size; i++)
        {
            guests.Add(await NewGuestJoinsAsync(meetingId, $"Guest Number {i:000}"));
        }

        foreach (var person in guests.Prepend(host).Where(p => RosterIds(p.Socket.Roster).Count != size))
        {
            await person.Socket.ExpectRosterAsync(r => RosterIds(r).Count == size);
        }

        return (meetingId, host, guests);
    }

    // In an open meeting guests enter directly, as in a large briefing: the joiner's welcome holds the roster.
    private async Task<Connected> NewGuestJoinsAsync(string meetingId, string name)
    {
        var invitation = await MeetingPages.InviteAsync(Admin, meetingId, name);
        var guest = Track(await EnterAsync(Appliance, Appliance.Service<JoinTickets>().IssueForGuest(meetingId, invitation.InvitationId)));
        Assert.That(guest.State, Is.EqualTo("admitted"), name);
        return guest;
    }

    // What each one was sent since their last drain, read up to a ping's answer.
    private static async Task<Dictionary<string, List<JsonElement>>> UpdatesSinceAsync(IEnumerable<Connected> people)
    {
        var seen = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        foreach (var person in people)
        {
            seen[person.Id] = await person.Socket.DrainAsync();
        }

        return seen;
    }

    private static long Revision(JsonElement roster) => roster.GetProperty("revision").GetInt64();

    private static long Epoch(JsonElement roster) => roster.GetProperty("e2ee").GetProperty("epoch").GetInt64();
}
