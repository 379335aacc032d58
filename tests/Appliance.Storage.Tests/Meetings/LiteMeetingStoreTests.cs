using Appliance.Core.Meetings;

namespace Appliance.Storage.Tests.Meetings;

public sealed class LiteMeetingStoreTests : StorageTestBase
{
    private IMeetingStore _store = null!;

    [SetUp]
    public void OpenStore() => _store = Open().Meetings;

    [Test]
    public async Task A_meeting_with_participants_and_every_field_set_round_trips()
    {
        MeetingParticipant[] participants =
        [
            new("Bob Citizen", ParticipantRole.Citizen, "bob@example.org"),
            new("Ida Interpreter", ParticipantRole.Interpreter, null),
            new("Sam Supporter", ParticipantRole.Supporter, "sam@example.org"),
        ];
        var meeting = TestData.Meeting("m1", "u1") with
        {
            Agenda = "1. Welcome\n2. Plan\n",
            Participants = participants,
            Status = MeetingStatus.Cancelled,
            CancelledAt = TestData.Now.AddHours(3),
        };
        await _store.AddAsync(meeting);

        var read = await _store.FindAsync("m1");

        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Participants, Is.EqualTo(participants));
        Assert.That(read with { Participants = participants }, Is.EqualTo(meeting));
    }

    [Test]
    public async Task A_meeting_with_optional_fields_empty_round_trips()
    {
        var meeting = TestData.Meeting("m1", "u1");
        await _store.AddAsync(meeting);

        var read = await _store.FindAsync("m1");

        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Participants, Is.Empty);
        Assert.That(read.Agenda, Is.Null);
        Assert.That(read.CancelledAt, Is.Null);
        Assert.That(read.Status, Is.EqualTo(MeetingStatus.Scheduled));
        Assert.That(read with { Participants = meeting.Participants }, Is.EqualTo(meeting));
    }

    [Test]
    public async Task An_unknown_meeting_is_not_found()
    {
        Assert.That(await _store.FindAsync("nope"), Is.Null);
    }

    [Test]
    public async Task An_organisers_meetings_are_listed_soonest_first_and_only_theirs()
    {
        var start = TestData.Now;
        await _store.AddAsync(TestData.Meeting("late", "u1") with { StartsAt = start.AddDays(3) });
        await _store.AddAsync(TestData.Meeting("soon", "u1") with { StartsAt = start.AddDays(1) });
        await _store.AddAsync(TestData.Meeting("other", "u2") with { StartsAt = start });
        await _store.AddAsync(TestData.Meeting("middle", "u1") with { StartsAt = start.AddDays(2) });

        var listed = await _store.ListByOrganiserAsync("u1");

        Assert.That(listed.Select(m => m.Id), Is.EqualTo(new[] { "soon", "middle", "late" }));
        Assert.That(await _store.ListByOrganiserAsync("nobody"), Is.Empty);
        Assert.That(await _store.CountAsync(), Is.EqualTo(4));
    }

    [Test]
    public async Task An_updated_meeting_is_stored()
    {
        await _store.AddAsync(TestData.Meeting("m1", "u1"));
        var cancelled = TestData.Meeting("m1", "u1") with
        {
            Status = MeetingStatus.Cancelled,
            CancelledAt = TestData.Now.AddMinutes(5),
            Participants = [new MeetingParticipant("Rita Relative", ParticipantRole.Relative, null)],
        };

        await _store.UpdateAsync(cancelled);
        var read = await _store.FindAsync("m1");

        Assert.That(read!.Status, Is.EqualTo(MeetingStatus.Cancelled));
        Assert.That(read.CancelledAt, Is.EqualTo(cancelled.CancelledAt));
        Assert.That(read.Participants, Is.EqualTo(cancelled.Participants));
    }

    [Test]
    public void Updating_a_meeting_that_does_not_exist_throws()
    {
        Assert.That(async () => await _store.UpdateAsync(TestData.Meeting("ghost", "u1")), Throws.InstanceOf<KeyNotFoundException>());
    }

    [Test]
    public async Task The_booked_policy_version_round_trips_and_a_meeting_stored_without_one_was_booked_under_version_1()
    {
        await _store.AddAsync(TestData.Meeting("m1", "u1") with { PolicyVersion = 4 });
        var legacy = Appliance.Storage.Meetings.MeetingMapper.ToDocument(TestData.Meeting("m2", "u1"));
        legacy.Remove("policyVersion");

        Assert.Multiple(async () =>
        {
            Assert.That((await _store.FindAsync("m1"))!.PolicyVersion, Is.EqualTo(4));
            Assert.That(Appliance.Storage.Meetings.MeetingMapper.FromDocument(legacy).PolicyVersion, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Meetings_ended_before_a_time_are_listed_and_can_be_deleted()
    {
        await _store.AddAsync(TestData.Meeting("past", "u1") with { StartsAt = TestData.Now.AddDays(-3), EndsAt = TestData.Now.AddDays(-2) });
        await _store.AddAsync(TestData.Meeting("future", "u1"));

        var ended = await _store.ListEndedBeforeAsync(TestData.Now);
        var deleted = await _store.DeleteAsync("past");
        var again = await _store.DeleteAsync("past");

        Assert.Multiple(async () =>
        {
            Assert.That(ended.Select(m => m.Id), Is.EqualTo(new[] { "past" }));
            Assert.That(deleted, Is.True);
            Assert.That(again, Is.False);
            Assert.That(await _store.FindAsync("future"), Is.Not.Null);
        });
    }
}
