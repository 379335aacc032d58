using Appliance.Core.Rooms;
using Appliance.Crypto;
using static Appliance.Core.Tests.Rooms.RoomScenario;

namespace Appliance.Core.Tests.Rooms;

/// <summary>The rules of a running meeting: who enters how, what hosts may do, chat, lobby messages, drops and ending.</summary>
public sealed class MeetingRoomTests
{
    [Test]
    public void Organiser_enters_directly_as_host()
    {
        var scenario = new RoomScenario();

        var host = scenario.Host();

        Assert.Multiple(() =>
        {
            Assert.That(host.Entry.Participant!.Role, Is.EqualTo(RoomRole.Host));
            Assert.That(host.Entry.Participant.Kind, Is.EqualTo(ParticipantKind.Staff));
            Assert.That(host.Entry.Participant.State, Is.EqualTo(PresenceState.Admitted));
            Assert.That(host.Entry.Roster.Select(p => p.Id), Is.EqualTo(new[] { host.Id }));
            Assert.That(host.Entry.Room!.Title, Is.EqualTo(scenario.Meeting.Title));
            Assert.That(host.Entry.Decision.Media.OfType<MediaJoin>().Single().Participant.Id, Is.EqualTo(host.Id));
        });
    }

    [Test]
    public void Guest_waits_in_the_lobby_and_hosts_are_told()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();

        var guest = scenario.Waiting("Bo Hansen");

        var (queue, recipients) = Single<LobbyQueueChanged>(guest.Entry.Decision);
        Assert.Multiple(() =>
        {
            Assert.That(guest.Entry.Participant!.State, Is.EqualTo(PresenceState.Lobby));
            Assert.That(guest.Entry.Participant.Role, Is.EqualTo(RoomRole.Participant));
            Assert.That(guest.Entry.Participant.IsGuest, Is.True);
            Assert.That(guest.Entry.Participant.InvitationId, Is.EqualTo(Guest("Bo Hansen").SubjectId));
            Assert.That(guest.Entry.Roster, Is.Empty, "a guest in the lobby does not see who is in the meeting");
            Assert.That(guest.Entry.Decision.Media, Is.Empty, "no media before admission");
            Assert.That(recipients, Is.EqualTo(new[] { host.Id }));
            Assert.That(queue.Waiting.Select(w => w.DisplayName), Is.EqualTo(new[] { "Bo Hansen" }));
            Assert.That(scenario.Room.Roster().Select(p => p.Id), Is.EqualTo(new[] { host.Id }));
        });
    }

    [Test]
    public void Staff_member_who_is_not_the_organiser_waits_in_the_lobby_as_participant()
    {
        var scenario = new RoomScenario();

        var colleague = scenario.Enter(RoomEntrant.Staff("colleagueaaaaaaaaaaaaaaaaa", "Carl Colleague"));

        Assert.Multiple(() =>
        {
            Assert.That(colleague.Entry.Participant!.State, Is.EqualTo(PresenceState.Lobby));
            Assert.That(colleague.Entry.Participant.Role, Is.EqualTo(RoomRole.Participant));
            Assert.That(colleague.Entry.Participant.Kind, Is.EqualTo(ParticipantKind.Staff));
        });
    }

    [Test]
    public void Host_entering_later_sees_who_waits_and_what_they_said()
    {
        var scenario = new RoomScenario();
        var guest = scenario.Waiting("Bo Hansen");
        Allowed(scenario.Room.SendLobbyMessage(guest.Actor, LobbyMessageCode.Late));

        var host = scenario.Host();

        var waiting = host.Entry.Lobby.Single();
        Assert.Multiple(() =>
        {
            Assert.That(waiting.ParticipantId, Is.EqualTo(guest.Id));
            Assert.That(waiting.Messages.Select(m => m.Code), Is.EqualTo(new[] { LobbyMessageCode.Late }));
            Assert.That(waiting.Since, Is.EqualTo(scenario.Time.GetUtcNow()));
        });
    }

    [Test]
    public void Admitting_tells_the_guest_then_everyone_in_the_meeting_and_starts_their_media()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var first = scenario.Admitted(host, "Bo Hansen");
        var second = scenario.Waiting("Eva Berg");

        var decision = Allowed(scenario.Room.Admit(host.Actor, second.Id));

        var (_, told) = Single<Admitted>(decision);
        var (roster, rosterRecipients) = Single<RosterChanged>(decision);
        var (update, updateRecipients) = Single<RosterUpdated>(decision);
        var (queue, queueRecipients) = Single<LobbyQueueChanged>(decision);
        Assert.Multiple(() =>
        {
            Assert.That(decision.Deliveries[0].Event, Is.TypeOf<Admitted>(), "the guest hears first");
            Assert.That(told, Is.EqualTo(new[] { second.Id }));
            Assert.That(rosterRecipients, Is.EqualTo(new[] { second.Id }), "the whole roster only to the one admitted");
            Assert.That(roster.Participants.Select(p => p.DisplayName), Is.EqualTo(new[] { "Anna Jensen", "Bo Hansen", "Eva Berg" }));
            Assert.That(updateRecipients, Is.EquivalentTo(new[] { host.Id, first.Id }));
            Assert.That(update.Changed.Select(p => p.DisplayName), Is.EqualTo(new[] { "Eva Berg" }), "the others hear of the one admitted only");
            Assert.That(update.Removed, Is.Empty);
            Assert.That(roster.Revision, Is.EqualTo(update.Revision), "the whole roster is the revision of the update");
            Assert.That(queue.Waiting, Is.Empty);
            Assert.That(queueRecipients, Is.EqualTo(new[] { host.Id }));
            Assert.That(decision.Media.OfType<MediaJoin>().Single().Participant.Id, Is.EqualTo(second.Id));
        });
    }

    [Test]
    public void Rejected_guest_is_told_and_cannot_come_back_with_the_same_invitation()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var guest = scenario.Waiting("Bo Hansen");

        var decision = Allowed(scenario.Room.Reject(host.Actor, guest.Id));
        var again = scenario.Room.Join(Guest("Bo Hansen"));

        Assert.Multiple(() =>
        {
            Assert.That(Single<Rejected>(decision).Recipients, Is.EqualTo(new[] { guest.Id }));
            Assert.That(Single<LobbyQueueChanged>(decision).Event.Waiting, Is.Empty);
            Assert.That(scenario.Room.Find(guest.Id), Is.Null);
            Assert.That(again.Decision.Refusal, Is.EqualTo(RoomRefusal.Refused));
            Assert.That(scenario.Room.Resume(guest.ResumeToken).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
            Assert.That(scenario.Room.Join(Guest("Eva Berg")).Decision.Refusal, Is.Null, "another invitation still gets in");
        });
    }

    [Test]
    public void Removed_participant_is_told_the_others_see_the_new_roster_and_they_cannot_come_back()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Admitted(host, "Eva Berg");

        var decision = Allowed(scenario.Room.Remove(host.Actor, bo.Id));

        var (update, recipients) = Single<RosterUpdated>(decision);
        Assert.Multiple(() =>
        {
            Assert.That(Single<Removed>(decision).Recipients, Is.EqualTo(new[] { bo.Id }));
            Assert.That(recipients, Is.EquivalentTo(new[] { host.Id, eva.Id }));
            Assert.That(update.Removed, Is.EqualTo(new[] { bo.Id }));
            Assert.That(update.Changed, Is.Empty);
            Assert.That(decision.Media.OfType<MediaLeave>().Single().Participant.Id, Is.EqualTo(bo.Id));
            Assert.That(scenario.Room.Join(Guest("Bo Hansen")).Decision.Refusal, Is.EqualTo(RoomRefusal.Refused));
            Assert.That(scenario.Room.Chat(bo.Actor, "still here?").Refusal, Is.EqualTo(RoomRefusal.NotInRoom));
        });
    }

    private static IEnumerable<TestCaseData> HostOnlyOperations()
    {
        TestCaseData Case(string name, Func<MeetingRoom, RoomActor, string, RoomDecision> operation) =>
            new TestCaseData(operation).SetName("Only_a_host_may_" + name);

        yield return Case("admit", (room, actor, target) => room.Admit(actor, target));
        yield return Case("reject", (room, actor, target) => room.Reject(actor, target));
        yield return Case("remove", (room, actor, target) => room.Remove(actor, target));
        yield return Case("ask_someone_to_unmute", (room, actor, target) => room.AskToUnmute(actor, target));
        yield return Case("lock", (room, actor, _) => room.SetLocked(actor, true));
        yield return Case("end_the_meeting", (room, actor, _) => room.End(actor));
    }

    [TestCaseSource(nameof(HostOnlyOperations))]
    public void Host_only_operation_is_refused_to_admitted_and_waiting_participants(Func<MeetingRoom, RoomActor, string, RoomDecision> operation)
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var admitted = scenario.Admitted(host, "Bo Hansen");
        var waiting = scenario.Waiting("Eva Berg");
        var other = scenario.Waiting("Finn Olsen");

        Assert.Multiple(() =>
        {
            Assert.That(operation(scenario.Room, admitted.Actor, other.Id).Refusal, Is.EqualTo(RoomRefusal.NotHost));
            Assert.That(operation(scenario.Room, waiting.Actor, other.Id).Refusal, Is.EqualTo(RoomRefusal.NotHost));
            Assert.That(scenario.Room.IsLocked, Is.False);
            Assert.That(scenario.Room.IsEnded, Is.False);
            Assert.That(scenario.Room.LobbyQueue().Select(w => w.ParticipantId), Is.EqualTo(new[] { waiting.Id, other.Id }));
            Assert.That(scenario.Room.Roster().Select(p => p.Id), Is.EqualTo(new[] { host.Id, admitted.Id }));
        });
    }

    private static IEnumerable<TestCaseData> TargetRules()
    {
        TestCaseData Case(string name, Func<MeetingRoom, RoomActor, string, RoomDecision> operation, string target, RoomRefusal refusal) =>
            new TestCaseData(operation, target, refusal).SetName("Host_cannot_" + name);

        yield return Case("admit_someone_already_admitted", (r, a, t) => r.Admit(a, t), "admitted", RoomRefusal.NotInLobby);
        yield return Case("reject_someone_already_admitted", (r, a, t) => r.Reject(a, t), "admitted", RoomRefusal.NotInLobby);
        yield return Case("remove_someone_still_in_the_lobby", (r, a, t) => r.Remove(a, t), "waiting", RoomRefusal.NotAdmitted);
        yield return Case("ask_someone_in_the_lobby_to_unmute", (r, a, t) => r.AskToUnmute(a, t), "waiting", RoomRefusal.NotAdmitted);
        yield return Case("remove_themselves", (r, a, t) => r.Remove(a, t), "host", RoomRefusal.NotOnSelf);
        yield return Case("ask_themselves_to_unmute", (r, a, t) => r.AskToUnmute(a, t), "host", RoomRefusal.NotOnSelf);
        yield return Case("admit_an_unknown_participant", (r, a, t) => r.Admit(a, t), "unknown", RoomRefusal.UnknownParticipant);
        yield return Case("reject_an_unknown_participant", (r, a, t) => r.Reject(a, t), "unknown", RoomRefusal.UnknownParticipant);
        yield return Case("remove_an_unknown_participant", (r, a, t) => r.Remove(a, t), "unknown", RoomRefusal.UnknownParticipant);
    }

    [TestCaseSource(nameof(TargetRules))]
    public void Host_operation_on_the_wrong_participant_is_refused(Func<MeetingRoom, RoomActor, string, RoomDecision> operation, string target, RoomRefusal refusal)
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var admitted = scenario.Admitted(host, "Bo Hansen");
        var waiting = scenario.Waiting("Eva Berg");
        var targetId = target switch
        {
            "admitted" => admitted.Id,
            "waiting" => waiting.Id,
            "host" => host.Id,
            _ => "unknownaaaaaaaaaaaaaaaaaaa",
        };

        var decision = operation(scenario.Room, host.Actor, targetId);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Refusal, Is.EqualTo(refusal));
            Assert.That(decision.Deliveries, Is.Empty, "a refusal tells nobody anything");
            Assert.That(scenario.Room.Roster().Select(p => p.Id), Is.EqualTo(new[] { host.Id, admitted.Id }));
            Assert.That(scenario.Room.LobbyQueue().Select(w => w.ParticipantId), Is.EqualTo(new[] { waiting.Id }));
        });
    }

    [Test]
    public void Locked_meeting_refuses_new_lobby_entries_but_lets_the_host_and_people_already_inside_back()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Waiting("Eva Berg");

        var locked = Allowed(scenario.Room.SetLocked(host.Actor, true));
        Allowed(scenario.Room.Disconnect(host.Actor));
        Allowed(scenario.Room.Disconnect(bo.Actor));

        Assert.Multiple(() =>
        {
            var (change, recipients) = Single<LockChanged>(locked);
            Assert.That(change.Locked, Is.True);
            Assert.That(recipients, Is.EquivalentTo(new[] { host.Id, bo.Id }), "admitted participants hear it; the lobby does not");
            Assert.That(scenario.Room.Join(Guest("Finn Olsen")).Decision.Refusal, Is.EqualTo(RoomRefusal.Locked));
            Assert.That(scenario.Room.Join(RoomEntrant.Staff("colleagueaaaaaaaaaaaaaaaaa", "Carl")).Decision.Refusal, Is.EqualTo(RoomRefusal.Locked));
            Assert.That(scenario.Room.Resume(bo.ResumeToken).Participant!.State, Is.EqualTo(PresenceState.Admitted), "a dropped participant resumes");
            Assert.That(scenario.Room.Join(Organiser).Participant!.Role, Is.EqualTo(RoomRole.Host), "the host always gets back in");
            Assert.That(scenario.Room.Join(Guest("Eva Berg")).Participant!.Id, Is.EqualTo(eva.Id), "someone already waiting keeps their place");
        });
    }

    [Test]
    public void Unlocking_lets_new_guests_into_the_lobby_again()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        Allowed(scenario.Room.SetLocked(host.Actor, true));

        Allowed(scenario.Room.SetLocked(host.Actor, false));

        Assert.That(scenario.Room.Join(Guest("Finn Olsen")).Decision.Refusal, Is.Null);
    }

    [Test]
    public void Chat_reaches_every_admitted_participant_in_sequence_and_nobody_in_the_lobby()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        scenario.Waiting("Eva Berg");

        var first = Single<ChatPosted>(Allowed(scenario.Room.Chat(host.Actor, "  Welcome, Bo.\r\nShall we start?  ")));
        scenario.Time.Advance(TimeSpan.FromSeconds(1));
        var second = Single<ChatPosted>(Allowed(scenario.Room.Chat(bo.Actor, "Yes 👍")));

        Assert.Multiple(() =>
        {
            Assert.That(first.Event.Message.Sequence, Is.EqualTo(1));
            Assert.That(second.Event.Message.Sequence, Is.EqualTo(2));
            Assert.That(first.Event.Message.Text, Is.EqualTo("Welcome, Bo.\nShall we start?"), "trimmed, line breaks as LF");
            Assert.That(second.Event.Message.SenderName, Is.EqualTo("Bo Hansen"));
            Assert.That(second.Event.Message.SentAt, Is.EqualTo(scenario.Time.GetUtcNow()));
            Assert.That(first.Recipients, Is.EquivalentTo(new[] { host.Id, bo.Id }));
            Assert.That(second.Recipients, Is.EquivalentTo(new[] { host.Id, bo.Id }));
        });
    }

    private static IEnumerable<TestCaseData> BadChat()
    {
        TestCaseData Case(string name, string? text, RoomRefusal refusal) => new TestCaseData(text, refusal).SetName("Chat_is_refused_with_" + name);

        yield return Case("no_text", null, RoomRefusal.InvalidText);
        yield return Case("only_white_space", " \n\t ", RoomRefusal.InvalidText);
        yield return Case("2001_characters", new string('x', 2001), RoomRefusal.TextTooLong);
        yield return Case("a_bidi_override", "pay to \u202Etnuocca", RoomRefusal.InvalidText);
        yield return Case("a_bidi_isolate", "a \u2066b\u2069", RoomRefusal.InvalidText);
        yield return Case("a_control_character", "bell\u0007", RoomRefusal.InvalidText);
        yield return Case("a_lone_surrogate", "x\uD800y", RoomRefusal.InvalidText);
    }

    [TestCaseSource(nameof(BadChat))]
    public void Chat_with_bad_text_is_refused_and_not_delivered(string? text, RoomRefusal refusal)
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();

        var decision = scenario.Room.Chat(host.Actor, text);

        Assert.That(decision.Refusal, Is.EqualTo(refusal));
        Assert.That(decision.Deliveries, Is.Empty);
        Assert.That(Single<ChatPosted>(Allowed(scenario.Room.Chat(host.Actor, "next"))).Event.Message.Sequence, Is.EqualTo(1), "no sequence number used");
    }

    [Test]
    public void Chat_of_exactly_2000_characters_is_allowed()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();

        Assert.That(scenario.Room.Chat(host.Actor, new string('x', 2000)).Refusal, Is.Null);
    }

    [Test]
    public void Guest_in_the_lobby_cannot_chat()
    {
        var scenario = new RoomScenario();
        scenario.Host();
        var guest = scenario.Waiting("Bo Hansen");

        Assert.That(scenario.Room.Chat(guest.Actor, "hello?").Refusal, Is.EqualTo(RoomRefusal.NotAdmitted));
    }

    [Test]
    public void Chat_allows_ten_messages_in_ten_seconds_per_participant()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");

        for (var i = 0; i < 10; i++)
        {
            Allowed(scenario.Room.Chat(host.Actor, $"message {i}"));
            scenario.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var eleventh = scenario.Room.Chat(host.Actor, "one too many");
        var others = scenario.Room.Chat(bo.Actor, "my own budget");
        scenario.Time.Advance(TimeSpan.FromSeconds(9));
        var later = scenario.Room.Chat(host.Actor, "ten seconds after the first");

        Assert.Multiple(() =>
        {
            Assert.That(eleventh.Refusal, Is.EqualTo(RoomRefusal.RateLimited));
            Assert.That(others.Refusal, Is.Null);
            Assert.That(later.Refusal, Is.Null);
        });
    }

    [Test]
    public void Lobby_message_reaches_the_hosts_with_the_waiting_list()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Waiting("Eva Berg");

        var decision = Allowed(scenario.Room.SendLobbyMessage(eva.Actor, LobbyMessageCode.NoVideo));

        var (queue, recipients) = Single<LobbyQueueChanged>(decision);
        Assert.Multiple(() =>
        {
            Assert.That(recipients, Is.EqualTo(new[] { host.Id }), "hosts only");
            Assert.That(queue.Waiting.Single().Messages.Single(), Is.EqualTo(new LobbyNote(LobbyMessageCode.NoVideo, scenario.Time.GetUtcNow())));
        });
    }

    [Test]
    public void Lobby_messages_are_rate_limited_per_guest_and_only_from_the_lobby()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var eva = scenario.Waiting("Eva Berg");

        var results = Enumerable.Range(0, 4).Select(_ => scenario.Room.SendLobbyMessage(eva.Actor, LobbyMessageCode.Here).Refusal).ToList();
        scenario.Time.Advance(TimeSpan.FromMinutes(1));
        var later = scenario.Room.SendLobbyMessage(eva.Actor, LobbyMessageCode.Late).Refusal;
        Allowed(scenario.Room.Admit(host.Actor, eva.Id));
        var admitted = scenario.Room.SendLobbyMessage(eva.Actor, LobbyMessageCode.Late).Refusal;

        Assert.Multiple(() =>
        {
            Assert.That(results, Is.EqualTo(new RoomRefusal?[] { null, null, null, RoomRefusal.RateLimited }));
            Assert.That(later, Is.Null);
            Assert.That(admitted, Is.EqualTo(RoomRefusal.NotInLobby));
            Assert.That(scenario.Room.SendLobbyMessage(host.Actor, LobbyMessageCode.Here).Refusal, Is.EqualTo(RoomRefusal.NotInLobby));
        });
    }

    [Test]
    public void Lobby_keeps_the_last_ten_messages_of_a_guest()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var eva = scenario.Waiting("Eva Berg");
        for (var i = 0; i < 12; i++)
        {
            Allowed(scenario.Room.SendLobbyMessage(eva.Actor, i == 11 ? LobbyMessageCode.NoVideo : LobbyMessageCode.Here));
            scenario.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var messages = scenario.Room.LobbyQueue().Single().Messages;

        Assert.That(messages, Has.Count.EqualTo(10));
        Assert.That(messages[^1].Code, Is.EqualTo(LobbyMessageCode.NoVideo));
        _ = host;
    }

    [Test]
    public void Raised_hand_and_media_flags_show_in_everyones_roster()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");

        var hand = Allowed(scenario.Room.SetHand(bo.Actor, true));
        var media = Allowed(scenario.Room.SetMediaState(bo.Actor, new MediaState(AudioMuted: false, VideoMuted: true, ScreenSharing: true)));
        var flushed = Allowed(scenario.Room.FlushRoster());

        var (update, recipients) = Single<RosterUpdated>(flushed);
        var boInRoster = update.Changed.Single();
        Assert.Multiple(() =>
        {
            Assert.That(hand.Deliveries.Concat(media.Deliveries), Is.Empty, "flags wait a moment for others'");
            Assert.That(hand.RosterSoon && media.RosterSoon, Is.True, "and the edge is asked to flush them");
            Assert.That(recipients, Is.EquivalentTo(new[] { host.Id, bo.Id }));
            Assert.That(boInRoster.HandRaised, Is.True);
            Assert.That(boInRoster.Media, Is.EqualTo(new MediaState(false, true, true)));
            Assert.That(media.Media.OfType<MediaStateChanged>().Single().State.ScreenSharing, Is.True, "the media plane hears at once");
            Assert.That(scenario.Room.FlushRoster().Deliveries, Is.Empty, "nothing more to tell");
            Allowed(scenario.Room.SetHand(bo.Actor, false));
            Assert.That(Single<RosterUpdated>(Allowed(scenario.Room.FlushRoster())).Event.Changed.Single(p => p.Id == bo.Id).HandRaised, Is.False);
        });
    }

    [Test]
    public void Participants_start_muted_until_their_browser_says_otherwise()
    {
        var scenario = new RoomScenario();

        var host = scenario.Host();

        Assert.That(host.Entry.Participant!.Media, Is.EqualTo(MediaState.Nothing));
        Assert.That(MediaState.Nothing.AudioMuted && MediaState.Nothing.VideoMuted && !MediaState.Nothing.ScreenSharing, Is.True);
    }

    [Test]
    public void Host_asks_one_participant_to_unmute()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        scenario.Admitted(host, "Eva Berg");

        var (asked, recipients) = Single<AskedToUnmute>(Allowed(scenario.Room.AskToUnmute(host.Actor, bo.Id)));

        Assert.That(recipients, Is.EqualTo(new[] { bo.Id }));
        Assert.That(asked.ByName, Is.EqualTo("Anna Jensen"));
    }

    [Test]
    public void Dropped_participant_keeps_their_place_for_30_seconds_and_resumes_without_admission()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        Allowed(scenario.Room.Chat(host.Actor, "before the drop"));

        var dropped = Allowed(scenario.Room.Disconnect(bo.Actor));
        Allowed(scenario.Room.Chat(host.Actor, "during the drop"));
        scenario.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(scenario.Room.ExpireReconnects().Deliveries, Is.Empty);
        var resumed = scenario.Room.Resume(bo.ResumeToken, lastChatSequence: 1);

        Assert.Multiple(() =>
        {
            var (update, recipients) = Single<RosterUpdated>(dropped);
            Assert.That(update.Changed.Single(p => p.Id == bo.Id).Connected, Is.False, "the others see them reconnecting");
            Assert.That(recipients, Is.EqualTo(new[] { host.Id }));
            Assert.That(resumed.Decision.Refusal, Is.Null);
            Assert.That(resumed.Participant!.Id, Is.EqualTo(bo.Id));
            Assert.That(resumed.Participant.State, Is.EqualTo(PresenceState.Admitted), "no new admission");
            Assert.That(resumed.ResumeToken, Is.Not.EqualTo(bo.ResumeToken), "a new token every time");
            Assert.That(resumed.Connection, Is.Not.EqualTo(bo.Actor.Connection));
            Assert.That(resumed.MissedChat.Select(m => m.Text), Is.EqualTo(new[] { "during the drop" }));
            Assert.That(Single<RosterUpdated>(resumed.Decision).Event.Changed.Single(p => p.Id == bo.Id).Connected, Is.True);
            Assert.That(resumed.Roster.Select(p => p.Id), Is.EqualTo(new[] { host.Id, bo.Id }), "the one back gets the whole roster");
            Assert.That(resumed.RosterRevision, Is.EqualTo(Single<RosterUpdated>(resumed.Decision).Event.Revision));
            Assert.That(resumed.Decision.Media.OfType<MediaReconnect>().Single().Participant.Id, Is.EqualTo(bo.Id));
            Assert.That(scenario.Room.Resume(bo.ResumeToken).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken), "the old token is spent");
        });
    }

    [Test]
    public void Dropped_guest_in_the_lobby_keeps_their_place_in_the_queue()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var eva = scenario.Waiting("Eva Berg");

        var dropped = Allowed(scenario.Room.Disconnect(eva.Actor));
        var resumed = scenario.Room.Resume(eva.ResumeToken);

        Assert.Multiple(() =>
        {
            Assert.That(Single<LobbyQueueChanged>(dropped).Event.Waiting.Single().Connected, Is.False);
            Assert.That(resumed.Participant!.State, Is.EqualTo(PresenceState.Lobby));
            Assert.That(Single<LobbyQueueChanged>(resumed.Decision).Recipients, Is.EqualTo(new[] { host.Id }));
            Assert.That(resumed.Decision.Media, Is.Empty);
        });
    }

    [Test]
    public void Participant_who_does_not_come_back_within_30_seconds_is_removed()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        Allowed(scenario.Room.Disconnect(bo.Actor));

        scenario.Time.Advance(TimeSpan.FromSeconds(30));
        var expired = scenario.Room.ExpireReconnects();

        Assert.Multiple(() =>
        {
            Assert.That(Single<RosterUpdated>(expired).Event.Removed, Is.EqualTo(new[] { bo.Id }));
            Assert.That(expired.Media.OfType<MediaLeave>().Single().Participant.Id, Is.EqualTo(bo.Id));
            Assert.That(scenario.Room.Resume(bo.ResumeToken).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
            Assert.That(scenario.Room.Join(Guest("Bo Hansen")).Participant!.State, Is.EqualTo(PresenceState.Lobby), "coming back later means the lobby again");
        });
    }

    [Test]
    public void Entering_again_takes_over_the_place_and_the_old_connection_can_no_longer_act()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");

        var again = scenario.Room.Join(Guest("Bo Hansen"));
        var newActor = new RoomActor(again.Participant!.Id, again.Connection);

        Assert.Multiple(() =>
        {
            Assert.That(again.Participant.Id, Is.EqualTo(bo.Id));
            Assert.That(again.Participant.State, Is.EqualTo(PresenceState.Admitted), "a reload does not need a new admission");
            Assert.That(again.ReplacedConnection, Is.EqualTo(bo.Actor.Connection));
            Assert.That(scenario.Room.Chat(bo.Actor, "from the old tab").Refusal, Is.EqualTo(RoomRefusal.NotInRoom));
            Assert.That(scenario.Room.Disconnect(bo.Actor).Deliveries, Is.Empty, "the old connection closing changes nothing");
            Assert.That(scenario.Room.Find(bo.Id)!.Connected, Is.True);
            Assert.That(scenario.Room.Chat(newActor, "from the new tab").Refusal, Is.Null);
        });
    }

    [Test]
    public void Leaving_is_immediate_and_needs_a_new_admission_to_come_back()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");

        var left = Allowed(scenario.Room.Leave(bo.Actor));
        var back = scenario.Room.Join(Guest("Bo Hansen"));

        Assert.Multiple(() =>
        {
            Assert.That(Single<RosterUpdated>(left).Event.Removed, Is.EqualTo(new[] { bo.Id }));
            Assert.That(left.Media.OfType<MediaLeave>().Single().Participant.Id, Is.EqualTo(bo.Id));
            Assert.That(back.Decision.Refusal, Is.Null, "leaving is not being refused");
            Assert.That(back.Participant!.State, Is.EqualTo(PresenceState.Lobby));
        });
    }

    [Test]
    public void Ending_tells_everyone_including_the_lobby_and_closes_the_room()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Waiting("Eva Berg");

        var ended = Allowed(scenario.Room.End(host.Actor));

        Assert.Multiple(() =>
        {
            Assert.That(Single<MeetingEnded>(ended).Recipients, Is.EquivalentTo(new[] { host.Id, bo.Id, eva.Id }));
            Assert.That(ended.Media.OfType<MediaEnd>().Single().MeetingId, Is.EqualTo(scenario.Meeting.Id));
            Assert.That(scenario.Room.IsEnded, Is.True);
            Assert.That(scenario.Room.Join(Guest("Finn Olsen")).Decision.Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(scenario.Room.Join(Organiser).Decision.Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(scenario.Room.Resume(bo.ResumeToken).Decision.Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(scenario.Room.Chat(bo.Actor, "hello?").Refusal, Is.EqualTo(RoomRefusal.MeetingEnded));
            Assert.That(scenario.Room.HoldsResumeToken(bo.ResumeToken), Is.False);
        });
    }

    [Test]
    public void Reaching_the_longest_duration_warns_then_ends_for_everyone_with_that_reason_and_only_once()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Waiting("Eva Berg");
        var endsAt = scenario.Room.StartedAt.AddHours(8);

        var warned = scenario.Room.WarnEnding(endsAt, 10);
        var ended = scenario.Room.EndAtMaximumDuration();
        var again = scenario.Room.EndAtMaximumDuration();
        var lateWarning = scenario.Room.WarnEnding(endsAt, 2);

        Assert.Multiple(() =>
        {
            Assert.That(Single<MeetingEndingSoon>(warned).Event, Is.EqualTo(new MeetingEndingSoon(endsAt, 10)));
            Assert.That(Single<MeetingEndingSoon>(warned).Recipients, Is.EquivalentTo(new[] { host.Id, bo.Id, eva.Id }));
            Assert.That(Single<MeetingEnded>(ended).Event.Reason, Is.EqualTo(MeetingEndReason.MaxDuration));
            Assert.That(Single<MeetingEnded>(ended).Recipients, Is.EquivalentTo(new[] { host.Id, bo.Id, eva.Id }));
            Assert.That(scenario.Room.IsEnded, Is.True);
            Assert.That(again.Deliveries, Is.Empty, "an ended room is not ended twice");
            Assert.That(lateWarning.Deliveries, Is.Empty);
        });
    }

    [Test]
    public void The_room_counts_its_running_time_from_when_it_opened()
    {
        var scenario = new RoomScenario();

        Assert.That(scenario.Room.StartedAt, Is.EqualTo(scenario.Time.GetUtcNow()));
    }

    [Test]
    public void Full_meeting_refuses_more_people_but_not_its_host()
    {
        var scenario = new RoomScenario(new RoomLimits { MaxParticipants = 2 });
        scenario.Waiting("Bo Hansen");
        scenario.Waiting("Eva Berg");

        Assert.Multiple(() =>
        {
            Assert.That(scenario.Room.Join(Guest("Finn Olsen")).Decision.Refusal, Is.EqualTo(RoomRefusal.Full));
            Assert.That(scenario.Room.Join(Organiser).Decision.Refusal, Is.Null);
        });
    }

    [Test]
    public void Default_limits_are_those_the_appliance_promises()
    {
        var limits = RoomLimits.Default;

        Assert.Multiple(() =>
        {
            Assert.That(limits.MaxParticipants, Is.EqualTo(100));
            Assert.That(limits.ReconnectGrace, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(limits.MaxChatLength, Is.EqualTo(2000));
            Assert.That((limits.ChatMessagesPerWindow, limits.ChatWindow), Is.EqualTo((10, TimeSpan.FromSeconds(10))));
            Assert.That(limits.EarlyEntry, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(limits.LateEntry, Is.EqualTo(TimeSpan.FromHours(1)));
        });
    }

    [Test]
    public void Resume_tokens_are_256_bit_and_only_their_holder_resumes()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        Allowed(scenario.Room.Disconnect(bo.Actor));

        Assert.Multiple(() =>
        {
            Assert.That(SecretToken.LooksValid(bo.ResumeToken), Is.True, "43 base64url characters: 256 bits");
            Assert.That(bo.ResumeToken, Is.Not.EqualTo(host.ResumeToken));
            Assert.That(scenario.Room.Resume(SecretToken.Generate()).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
            Assert.That(scenario.Room.Resume("not a token").Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
            Assert.That(scenario.Room.Resume(bo.ResumeToken.ToUpperInvariant()).Decision.Refusal, Is.EqualTo(RoomRefusal.UnknownResumeToken));
            Assert.That(scenario.Room.HoldsResumeToken(bo.ResumeToken), Is.True);
        });
    }

    [Test]
    public void Admitted_participant_misses_no_chat_after_a_reload_but_sees_none_from_before_their_admission()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        Allowed(scenario.Room.Chat(host.Actor, "before Bo came"));
        var bo = scenario.Admitted(host, "Bo Hansen");
        Allowed(scenario.Room.Chat(host.Actor, "welcome"));

        var reloaded = scenario.Room.Join(Guest("Bo Hansen"));

        Assert.That(reloaded.MissedChat.Select(m => m.Text), Is.EqualTo(new[] { "welcome" }));
        _ = bo;
    }
}
