using Appliance.Core.Rooms;
using static Appliance.Core.Tests.Rooms.RoomScenario;

namespace Appliance.Core.Tests.Rooms;

/// <summary>
/// The room's part of end-to-end encryption (crypto/Appliance.Crypto/E2ee/README.md): the epoch moves with every change
/// of the admitted roster and nothing else, sender indexes follow first admission and are never reused, the meeting is
/// encrypted only while everyone admitted has a key, chat follows that, and sealed keys go to exactly one recipient.
/// </summary>
public sealed class RoomEncryptionTests
{
    [Test]
    public void Epoch_moves_with_every_change_of_the_admitted_roster_and_not_with_the_lobby_hands_or_drops()
    {
        var scenario = new RoomScenario();
        var host = scenario.Enter(Organiser, "host-key");
        var epochs = new List<long> { Epoch(scenario) };

        var bo = scenario.Enter(Guest("Bo Hansen"), "bo-key");
        epochs.Add(Epoch(scenario));
        Allowed(scenario.Room.Admit(host.Actor, bo.Id));
        epochs.Add(Epoch(scenario));
        Allowed(scenario.Room.SetHand(bo.Actor, raised: true));
        Allowed(scenario.Room.Disconnect(bo.Actor));
        var back = scenario.Room.Resume(bo.ResumeToken, publicKey: "bo-key");
        epochs.Add(Epoch(scenario));
        Allowed(scenario.Room.Leave(new RoomActor(bo.Id, back.Connection)));
        epochs.Add(Epoch(scenario));
        var eva = scenario.Enter(Guest("Eva Holm"), "eva-key");
        Allowed(scenario.Room.Admit(host.Actor, eva.Id));
        epochs.Add(Epoch(scenario));
        Allowed(scenario.Room.Remove(host.Actor, eva.Id));
        epochs.Add(Epoch(scenario));
        var ida = scenario.Enter(Guest("Ida Berg"), "ida-key");
        Allowed(scenario.Room.Admit(host.Actor, ida.Id));
        Allowed(scenario.Room.Disconnect(ida.Actor));
        scenario.Time.Advance(TimeSpan.FromMinutes(1));
        Allowed(scenario.Room.ExpireReconnects());
        epochs.Add(Epoch(scenario));

        // 1 host; 1 Bo waits; 2 Bo admitted; 2 hand, drop and resume; 3 Bo left; 4 Eva in; 5 Eva removed; 7 Ida in and lapsed.
        Assert.That(epochs, Is.EqualTo(new long[] { 1, 1, 2, 2, 3, 4, 5, 7 }));
    }

    [Test]
    public void Sender_indexes_follow_first_admission_survive_drops_and_reloads_and_are_never_reused()
    {
        var scenario = new RoomScenario();
        var host = scenario.Enter(Organiser, "host-key");
        var bo = AdmittedWithKey(scenario, host, "Bo Hansen", "bo-key");
        var eva = AdmittedWithKey(scenario, host, "Eva Holm", "eva-key");
        Allowed(scenario.Room.Leave(bo.Actor));
        var ida = AdmittedWithKey(scenario, host, "Ida Berg", "ida-key");
        Allowed(scenario.Room.Disconnect(eva.Actor));
        scenario.Room.Resume(eva.ResumeToken, publicKey: "eva-key");
        var epochBeforeReload = Epoch(scenario);
        var reloaded = scenario.Room.Join(Guest("Eva Holm"), "eva-new-key");

        var roster = scenario.Room.Roster().ToDictionary(p => p.Id);
        Assert.Multiple(() =>
        {
            Assert.That(roster[host.Id].SenderIndex, Is.EqualTo(1));
            Assert.That(roster[eva.Id].SenderIndex, Is.EqualTo(3), "kept through a drop and a reload");
            Assert.That(roster[ida.Id].SenderIndex, Is.EqualTo(4), "Bo's 2 is not given again");
            Assert.That(roster[eva.Id].PublicKey, Is.EqualTo("eva-new-key"));
            Assert.That(Epoch(scenario), Is.EqualTo(epochBeforeReload + 1), "a new key pair is a change of the roster");
            Assert.That(Of<RosterUpdated>(reloaded.Decision).Single().Recipients, Does.Not.Contain(eva.Id).And.Contain(host.Id));
            Assert.That(((RosterUpdated)Of<RosterUpdated>(reloaded.Decision).Single().Event).Changed.Single().PublicKey, Is.EqualTo("eva-new-key"));
            Assert.That(((RosterUpdated)Of<RosterUpdated>(reloaded.Decision).Single().Event).Encryption.Epoch, Is.EqualTo(epochBeforeReload + 1), "the update carries the new epoch");
        });
    }

    [Test]
    public void Meeting_is_encrypted_only_while_everyone_admitted_has_a_key()
    {
        var scenario = new RoomScenario();
        var host = scenario.Enter(Organiser, "host-key");
        var encryptedAlone = scenario.Room.Encryption.Enabled;
        var old = scenario.Waiting("Old Browser");
        var withWaitingOldBrowser = scenario.Room.Encryption.Enabled;
        var admitted = Allowed(scenario.Room.Admit(host.Actor, old.Id));
        var withOldBrowser = scenario.Room.Encryption.Enabled;
        Allowed(scenario.Room.Remove(host.Actor, old.Id));

        var (roster, _) = Single<RosterChanged>(admitted);
        Assert.Multiple(() =>
        {
            Assert.That(encryptedAlone, Is.True);
            Assert.That(withWaitingOldBrowser, Is.True, "the lobby hears nothing");
            Assert.That(withOldBrowser, Is.False);
            Assert.That(roster.Encryption, Is.EqualTo(new RoomEncryption(false, 2)));
            Assert.That(Single<RosterUpdated>(admitted).Event.Encryption, Is.EqualTo(new RoomEncryption(false, 2)), "the others hear the same state");
            Assert.That(roster.Participants.Single(p => p.Id == old.Id).SenderIndex, Is.Null);
            Assert.That(scenario.Room.Encryption.Enabled, Is.True, "encrypted again once the old browser is gone");
        });
    }

    [Test]
    public void Chat_is_sealed_only_while_the_meeting_is_encrypted_and_kept_as_ciphertext()
    {
        var scenario = new RoomScenario();
        var host = scenario.Enter(Organiser, "host-key");

        var plain = scenario.Room.Chat(host.Actor, "in the clear");
        var posted = Allowed(scenario.Room.Chat(host.Actor, null, "c2VhbGVk"));
        var old = scenario.Admitted(host, "Old Browser");
        var sealedToOld = scenario.Room.Chat(host.Actor, null, "c2VhbGVk");
        var plainToOld = scenario.Room.Chat(old.Actor, "hello");

        var (message, _) = Single<ChatPosted>(posted);
        Assert.Multiple(() =>
        {
            Assert.That(plain.Refusal, Is.EqualTo(RoomRefusal.PlainChatInEncryptedMeeting));
            Assert.That(message.Message.Text, Is.Null);
            Assert.That(message.Message.Sealed, Is.EqualTo("c2VhbGVk"));
            Assert.That(sealedToOld.Refusal, Is.EqualTo(RoomRefusal.SealedChatInPlainMeeting));
            Assert.That(plainToOld.Refusal, Is.Null);
            Assert.That(scenario.Room.RecentChat().Select(m => (m.Text, m.Sealed)), Is.EqualTo(new (string?, string?)[] { (null, "c2VhbGVk"), ("hello", null) }));
        });
    }

    [Test]
    public void Sealed_key_goes_to_its_one_admitted_recipient_with_a_key_and_nobody_else()
    {
        var scenario = new RoomScenario();
        var host = scenario.Enter(Organiser, "host-key");
        var bo = AdmittedWithKey(scenario, host, "Bo Hansen", "bo-key");
        var old = scenario.Admitted(host, "Old Browser");
        var waiting = scenario.Enter(Guest("Eva Holm"), "eva-key");

        var relayed = Allowed(scenario.Room.RelaySenderKey(host.Actor, bo.Id, 5, "sealed"));

        var (key, recipients) = Single<SenderKeyRelayed>(relayed);
        Assert.Multiple(() =>
        {
            Assert.That(recipients, Is.EqualTo(new[] { bo.Id }));
            Assert.That(key, Is.EqualTo(new SenderKeyRelayed(host.Id, 5, "sealed")));
            Assert.That(scenario.Room.RelaySenderKey(host.Actor, host.Id, 5, "sealed").Refusal, Is.EqualTo(RoomRefusal.NotOnSelf));
            Assert.That(scenario.Room.RelaySenderKey(host.Actor, old.Id, 5, "sealed").Refusal, Is.EqualTo(RoomRefusal.RecipientWithoutKey));
            Assert.That(scenario.Room.RelaySenderKey(host.Actor, waiting.Id, 5, "sealed").Refusal, Is.EqualTo(RoomRefusal.NotAdmitted));
            Assert.That(scenario.Room.RelaySenderKey(host.Actor, "nobodyaaaaaaaaaaaaaaaaaaaa", 5, "sealed").Refusal, Is.EqualTo(RoomRefusal.UnknownParticipant));
            Assert.That(scenario.Room.RelaySenderKey(waiting.Actor, bo.Id, 5, "sealed").Refusal, Is.EqualTo(RoomRefusal.NotAdmitted), "not from the lobby either");
        });
    }

    private static Person AdmittedWithKey(RoomScenario scenario, Person host, string name, string publicKey)
    {
        var guest = scenario.Enter(Guest(name), publicKey);
        Allowed(scenario.Room.Admit(host.Actor, guest.Id));
        return guest;
    }

    private static long Epoch(RoomScenario scenario) => scenario.Room.Encryption.Epoch;
}
