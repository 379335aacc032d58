using Appliance.Core.Rooms;
using static Appliance.Core.Tests.Rooms.RoomScenario;

namespace Appliance.Core.Tests.Rooms;

/// <summary>
/// The roster travels as changes: each change is one revision with only the participants it concerns, and whoever has
/// no roster (the one entering, the one admitted, the one who asks) gets the whole list at the revision the others hold.
/// </summary>
public sealed class RosterRevisionTests
{
    [Test]
    public void Every_change_is_the_next_revision_and_names_only_who_changed()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Admitted(host, "Eva Berg");
        var start = scenario.Room.Roster().Count;

        Allowed(scenario.Room.SetHand(bo.Actor, true));
        var hand = Allowed(scenario.Room.FlushRoster());
        Allowed(scenario.Room.SetMediaState(eva.Actor, new MediaState(false, false, false)));
        var media = Allowed(scenario.Room.FlushRoster());
        var updates = new[] { hand, media, Allowed(scenario.Room.Disconnect(eva.Actor)), Allowed(scenario.Room.Leave(bo.Actor)) }
            .Select(d => Single<RosterUpdated>(d).Event).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(start, Is.EqualTo(3));
            Assert.That(updates.Select(u => u.Revision), Is.EqualTo(Enumerable.Range((int)updates[0].Revision, 4).Select(r => (long)r)));
            Assert.That(updates.Take(3).Select(u => u.Changed.Single().Id), Is.EqualTo(new[] { bo.Id, eva.Id, eva.Id }));
            Assert.That(updates[3].Changed, Is.Empty);
            Assert.That(updates[3].Removed, Is.EqualTo(new[] { bo.Id }));
            Assert.That(updates[2].Encryption.Epoch, Is.EqualTo(updates[0].Encryption.Epoch), "hands, flags and drops keep the epoch");
            Assert.That(updates[3].Encryption.Epoch, Is.EqualTo(updates[0].Encryption.Epoch + 1), "a leave is a new epoch");
        });
    }

    [Test]
    public void Asking_for_the_roster_gives_the_whole_list_at_the_current_revision_and_is_rate_limited()
    {
        var scenario = new RoomScenario(RoomLimits.Default with { RosterRequestsPerWindow = 2 });
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var waiting = scenario.Waiting("Eva Berg");
        var last = Single<RosterUpdated>(Allowed(scenario.Room.Disconnect(host.Actor))).Event.Revision;

        var (roster, recipients) = Single<RosterChanged>(Allowed(scenario.Room.SendRoster(bo.Actor)));
        Allowed(scenario.Room.SendRoster(bo.Actor));
        var third = scenario.Room.SendRoster(bo.Actor);
        scenario.Time.Advance(RoomLimits.Default.RosterRequestWindow);

        Assert.Multiple(() =>
        {
            Assert.That(recipients, Is.EqualTo(new[] { bo.Id }));
            Assert.That(roster.Participants.Select(p => p.Id), Is.EqualTo(new[] { host.Id, bo.Id }));
            Assert.That(roster.Revision, Is.EqualTo(last));
            Assert.That(roster.Encryption, Is.EqualTo(scenario.Room.Encryption));
            Assert.That(third.Refusal, Is.EqualTo(RoomRefusal.RateLimited));
            Assert.That(scenario.Room.SendRoster(bo.Actor).Refusal, Is.Null, "allowed again after the window");
            Assert.That(scenario.Room.SendRoster(waiting.Actor).Refusal, Is.EqualTo(RoomRefusal.NotAdmitted), "the lobby does not see who is inside");
        });
    }

    [Test]
    public void Hands_and_flags_of_many_go_out_as_one_update_or_with_the_next_other_change()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");
        var eva = scenario.Admitted(host, "Eva Berg");
        var ida = scenario.Admitted(host, "Ida Holm");

        Allowed(scenario.Room.SetHand(bo.Actor, true));
        Allowed(scenario.Room.SetMediaState(eva.Actor, new MediaState(false, true, false)));
        Allowed(scenario.Room.SetHand(bo.Actor, false));
        var together = Single<RosterUpdated>(Allowed(scenario.Room.FlushRoster())).Event;
        Allowed(scenario.Room.SetHand(eva.Actor, true));
        Allowed(scenario.Room.SetHand(ida.Actor, true));
        var withTheLeave = Single<RosterUpdated>(Allowed(scenario.Room.Leave(ida.Actor))).Event;
        var afterwards = scenario.Room.FlushRoster();

        Assert.Multiple(() =>
        {
            Assert.That(together.Changed.Select(p => p.Id), Is.EqualTo(new[] { bo.Id, eva.Id }));
            Assert.That(together.Changed[0].HandRaised, Is.False, "as they are when told");
            Assert.That(together.Changed[1].Media.AudioMuted, Is.False);
            Assert.That(withTheLeave.Removed, Is.EqualTo(new[] { ida.Id }));
            Assert.That(withTheLeave.Changed.Select(p => p.Id), Is.EqualTo(new[] { eva.Id }), "the waiting hand goes with the next update; the one gone is not named");
            Assert.That(withTheLeave.Revision, Is.EqualTo(together.Revision + 1));
            Assert.That(afterwards.Deliveries, Is.Empty, "already told");
        });
    }

    [Test]
    public void Entering_gives_the_whole_roster_at_the_revision_of_the_update_the_others_get()
    {
        var scenario = new RoomScenario();
        var host = scenario.Host();
        var bo = scenario.Admitted(host, "Bo Hansen");

        var eva = scenario.Room.Join(Guest("Eva Berg"), direct: true);

        var (update, recipients) = Single<RosterUpdated>(eva.Decision);
        Assert.Multiple(() =>
        {
            Assert.That(eva.Roster.Select(p => p.DisplayName), Is.EqualTo(new[] { "Anna Jensen", "Bo Hansen", "Eva Berg" }));
            Assert.That(eva.RosterRevision, Is.EqualTo(update.Revision));
            Assert.That(recipients, Is.EquivalentTo(new[] { host.Id, bo.Id }));
            Assert.That(update.Changed.Select(p => p.Id), Is.EqualTo(new[] { eva.Participant!.Id }));
            Assert.That(update.Encryption, Is.EqualTo(eva.Encryption));
        });
    }
}
