using Appliance.Core.Meetings;
using Appliance.Core.Rooms;
using static Appliance.Core.Tests.Rooms.RoomScenario;

namespace Appliance.Core.Tests.Rooms;

/// <summary>The registry: when rooms open, close and stay closed.</summary>
public sealed class MeetingRoomsTests
{
    private FakeTimeProvider _time = null!;
    private MeetingRooms _rooms = null!;

    private DateTimeOffset Now => _time.GetUtcNow();

    [SetUp]
    public void CreateRegistry()
    {
        _time = new FakeTimeProvider();
        _rooms = new MeetingRooms(_time);
    }

    private static IEnumerable<TestCaseData> EntryTimes()
    {
        TestCaseData Case(string name, bool host, TimeSpan startsIn, MeetingStatus status, RoomRefusal? refusal) =>
            new TestCaseData(host, startsIn, status, refusal).SetName(name);

        var scheduled = MeetingStatus.Scheduled;
        yield return Case("Guest_cannot_enter_16_minutes_before_the_start", false, TimeSpan.FromMinutes(16), scheduled, RoomRefusal.TooEarly);
        yield return Case("Guest_can_enter_15_minutes_before_the_start", false, TimeSpan.FromMinutes(15), scheduled, null);
        yield return Case("Guest_can_enter_during_the_meeting", false, TimeSpan.FromMinutes(-30), scheduled, null);
        yield return Case("Guest_can_enter_59_minutes_after_the_end", false, TimeSpan.FromMinutes(-119), scheduled, null);
        yield return Case("Guest_cannot_enter_an_hour_after_the_end", false, TimeSpan.FromMinutes(-120), scheduled, RoomRefusal.MeetingOver);
        yield return Case("Host_can_open_the_room_a_day_before", true, TimeSpan.FromDays(1), scheduled, null);
        yield return Case("Host_cannot_enter_an_hour_after_the_end", true, TimeSpan.FromMinutes(-120), scheduled, RoomRefusal.MeetingOver);
        yield return Case("Guest_cannot_enter_a_cancelled_meeting", false, TimeSpan.Zero, MeetingStatus.Cancelled, RoomRefusal.MeetingCancelled);
        yield return Case("Host_cannot_enter_a_cancelled_meeting", true, TimeSpan.Zero, MeetingStatus.Cancelled, RoomRefusal.MeetingCancelled);
    }

    [TestCaseSource(nameof(EntryTimes))]
    public void Room_can_be_entered_only_in_its_window(bool host, TimeSpan startsIn, MeetingStatus status, RoomRefusal? refusal)
    {
        var meeting = MeetingAt(Now + startsIn, status);

        var entry = _rooms.Enter(meeting, host ? Organiser : Guest("Bo Hansen"));

        Assert.That(entry.Decision.Refusal, Is.EqualTo(refusal));
        Assert.That(_rooms.Count, Is.EqualTo(refusal is null ? 1 : 0), "a refused entry opens no room");
    }

    [Test]
    public void First_entry_opens_the_room_and_later_ones_share_it()
    {
        var meeting = MeetingAt(Now.AddMinutes(5));

        var host = _rooms.Enter(meeting, Organiser);
        var guest = _rooms.Enter(meeting, Guest("Bo Hansen"));

        Assert.Multiple(() =>
        {
            Assert.That(_rooms.Count, Is.EqualTo(1));
            Assert.That(_rooms.MeetingIds, Is.EqualTo(new[] { meeting.Id }));
            Assert.That(_rooms.Find(meeting.Id)!.LobbyQueue().Single().ParticipantId, Is.EqualTo(guest.Participant!.Id));
            Assert.That(host.Participant!.Role, Is.EqualTo(RoomRole.Host));
        });
    }

    [Test]
    public void Resume_token_leads_back_to_its_meeting()
    {
        var meeting = MeetingAt(Now.AddMinutes(5));
        var host = _rooms.Enter(meeting, Organiser);
        _rooms.Find(meeting.Id)!.Disconnect(new RoomActor(host.Participant!.Id, host.Connection));

        var found = _rooms.FindMeetingOfResumeToken(host.ResumeToken);
        var resumed = _rooms.Resume(meeting.Id, host.ResumeToken!);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.EqualTo(meeting.Id));
            Assert.That(resumed.Participant!.Id, Is.EqualTo(host.Participant.Id));
            Assert.That(_rooms.FindMeetingOfResumeToken(host.ResumeToken), Is.Null, "spent");
            Assert.That(_rooms.FindMeetingOfResumeToken(null), Is.Null);
            Assert.That(_rooms.Resume("otheraaaaaaaaaaaaaaaaaaaaa", resumed.ResumeToken!).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
        });
    }

    [Test]
    public void Room_closes_when_the_last_person_is_gone_and_a_new_session_forgets_who_was_refused()
    {
        var meeting = MeetingAt(Now.AddMinutes(5));
        var host = _rooms.Enter(meeting, Organiser);
        var hostActor = new RoomActor(host.Participant!.Id, host.Connection);
        var guest = _rooms.Enter(meeting, Guest("Bo Hansen"));
        var room = _rooms.Find(meeting.Id)!;
        room.Reject(hostActor, guest.Participant!.Id);
        room.Disconnect(hostActor);

        _time.Advance(TimeSpan.FromSeconds(10));
        _rooms.Sweep(meeting.Id);
        var stillOpen = _rooms.Count;
        _time.Advance(TimeSpan.FromSeconds(20));
        var swept = _rooms.Sweep(meeting.Id);

        Assert.Multiple(() =>
        {
            Assert.That(stillOpen, Is.EqualTo(1), "the host may still come back");
            Assert.That(swept.Media.OfType<MediaLeave>().Single().Participant.Id, Is.EqualTo(host.Participant.Id));
            Assert.That(_rooms.Count, Is.Zero);
            Assert.That(_rooms.Enter(meeting, Guest("Bo Hansen")).Decision.Refusal, Is.Null);
        });
    }

    [Test]
    public void Ended_meeting_stays_closed_for_everyone_until_its_window_is_over()
    {
        var meeting = MeetingAt(Now.AddMinutes(5));
        var host = _rooms.Enter(meeting, Organiser);
        _rooms.Find(meeting.Id)!.End(new RoomActor(host.Participant!.Id, host.Connection));

        var beforeSweep = _rooms.Enter(meeting, Guest("Bo Hansen")).Decision.Refusal;
        _rooms.Sweep(meeting.Id);

        Assert.Multiple(() =>
        {
            Assert.That(beforeSweep, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(_rooms.Count, Is.Zero);
            Assert.That(_rooms.Find(meeting.Id), Is.Null);
            Assert.That(_rooms.Enter(meeting, Organiser).Decision.Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(_rooms.Resume(meeting.Id, host.ResumeToken!).Decision.Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
        });
    }

    [Test]
    public async Task Many_guests_entering_at_once_all_get_their_own_place()
    {
        var meeting = MeetingAt(Now.AddMinutes(5));
        _rooms.Enter(meeting, Organiser);

        var entries = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => _rooms.Enter(meeting, RoomEntrant.Guest($"guest{i:D2}", $"Guest {i}")))));

        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.Participant!.Id).Distinct().Count(), Is.EqualTo(64));
            Assert.That(_rooms.Find(meeting.Id)!.LobbyQueue(), Has.Count.EqualTo(64));
            Assert.That(_rooms.Count, Is.EqualTo(1));
        });
    }
}
