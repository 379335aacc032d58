using Appliance.Crypto.Dtls;
using Appliance.Media.Conference;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Conference;

/// <summary>
/// ConferenceMedia end to end on 127.0.0.1: test browsers (<see cref="TestBrowser"/>) join through the real media
/// server, answer our offers as Chrome does, connect ICE, DTLS and SRTP, and send audio and video; the assertions
/// read what arrives on the SSRCs the offers announced and the slot labels name. With batched I/O and without.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
[Parallelizable(ParallelScope.None)]
public class ConferenceMediaTests(bool batchedIo)
{
    private static int Revision(TestBrowser browser) => browser.Signals.LatestOffer?.Revision ?? 0;

    [Test]
    public async Task Three_participants_receive_each_others_audio_and_video_on_the_ssrcs_their_offers_announced()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");

        // Bob's microphone is a new audio slot for Alice: she gets a second offer, he has his first.
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob);
        Assert.That((Revision(alice), Revision(bob)), Is.EqualTo((2, 1)));

        var carol = await rig.JoinAsync("meeting", "carol");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, carol);

        // Carol's publication re-offered to the first two; they answered and now get her media.
        Assert.That((Revision(alice), Revision(bob), Revision(carol)), Is.EqualTo((3, 2, 1)));
        await ConferenceRig.WaitUntilAsync(() => new[] { alice, bob, carol }.All(b => b.AnsweredRevision == Revision(b)), "every offer to be answered");
        await ConferenceRig.WaitUntilAsync(() => new[] { alice, bob, carol }.All(b => b.Signals.Speakers.Order.Count == 3), "the speaker order with all three");
        foreach (var browser in new[] { alice, bob, carol })
        {
            var offer = browser.Signals.LatestOffer!;
            var announced = offer.Sections.Where(s => s.Direction == "sendonly").SelectMany(s => new[] { s.Ssrc, s.RtxSsrc }).ToHashSet();
            Assert.That(browser.Received.Keys, Is.SubsetOf(announced), $"{browser.Id} receives only on SSRCs its offer announced");
            Assert.That(browser.Refusals, Is.Empty, $"{browser.Id}'s answers");
            Assert.That(browser.Signals.CallsOnReceiveThread, Is.Zero, "signals never run on the receive thread");
            Assert.That(browser.Signals.ConcurrentCalls, Is.Zero, "one signal at a time per session");
            Assert.That(browser.Signals.Speakers.Order, Is.EquivalentTo(new[] { "alice", "bob", "carol" }));
        }

        var audioSlots = alice.Signals.Slots.Where(s => s.Kind == TrackKind.Audio).Select(s => s.ParticipantId);
        Assert.That(audioSlots, Is.EqualTo(new[] { "bob", "carol" }), "Alice hears one audio slot per other publisher");
        var counters = rig.Media.GetCounters();
        Assert.That(counters.ParticipantsByConference, Is.EqualTo(new Dictionary<string, int> { ["meeting"] = 3 }));
        Assert.That(counters.OffersSent, Is.EqualTo(6));
        Assert.That(counters.AnswersAccepted, Is.EqualTo(6));
        Assert.That(counters.Server[MediaCounter.DtlsHandshakesSucceeded], Is.EqualTo(3));
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task The_first_offer_receives_the_browsers_tracks_and_sends_one_section_per_slot()
    {
        using var rig = new ConferenceRig(new SfuOptions { LastN = 2 }, batchedIo);
        var alice = rig.NewBrowser("alice");
        alice.Session = rig.Media.Join("meeting", "alice", alice.Endpoint.LocalFingerprint, alice.Signals);
        var offer = await alice.Signals.WaitForOfferAsync(1);

        Assert.That(offer.IceLite, Is.True);
        Assert.That(offer.Fingerprint, Is.EqualTo(rig.Identity.Sha256Fingerprint));
        Assert.That(offer.Ufrag, Has.Length.GreaterThanOrEqualTo(4));
        Assert.That(offer.Candidate!.Port, Is.EqualTo(rig.Media.LocalCandidates[0].Port));
        Assert.That(offer.Sections.Select(s => (s.Mid, s.Kind, s.Direction, s.MsidStream, s.MsidTrack)), Is.EqualTo(new (string, string, string, string?, string?)[]
        {
            ("0", "audio", "recvonly", null, null),
            ("1", "video", "recvonly", null, null),
            ("2", "video", "recvonly", null, null),
            ("3", "video", "sendonly", "slot-0", "slot-0-video"),
            ("4", "video", "sendonly", "slot-1", "slot-1-video"),
            ("5", "video", "sendonly", "slot-2", "slot-2-screen"),
        }));
        Assert.That(offer.Sections.Skip(3).Select(s => s.Ssrc).Concat(offer.Sections.Skip(3).Select(s => s.RtxSsrc)), Is.Unique.And.All.Not.Null);
        Assert.That(offer.Bundle, Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5" }));
        await ConferenceRig.WaitUntilAsync(() => alice.Signals.Slots.Count == 3, "the slot labels");
        Assert.That(alice.Signals.Slots, Is.EqualTo(new[]
        {
            new SlotSource("3", TrackKind.Video, null), new SlotSource("4", TrackKind.Video, null), new SlotSource("5", TrackKind.Screen, null),
        }));

        // Once Alice publishes, Bob's first offer has an audio slot for her, on her own SSRC.
        Assert.That(rig.Media.Answer(alice.Session, 1, alice.AnswerTo(offer)).IsAccepted, Is.True);
        var bob = rig.NewBrowser("bob");
        bob.Session = rig.Media.Join("meeting", "bob", bob.Endpoint.LocalFingerprint, bob.Signals);
        var bobs = await bob.Signals.WaitForOfferAsync(1);
        var audio = bobs.Sections[^1];
        Assert.That((audio.Mid, audio.Kind, audio.Direction, audio.Ssrc, audio.RtxSsrc, audio.MsidStream, audio.MsidTrack),
            Is.EqualTo(("6", "audio", "sendonly", (uint?)alice.AudioSsrc, (uint?)null, "slot-3", "slot-3-audio")));
        await ConferenceRig.WaitUntilAsync(() => bob.Signals.Slots.Any(s => s.Mid == "6" && s.ParticipantId == "alice"), "Bob's audio slot labelled with Alice");
    }

    [Test]
    public async Task An_end_to_end_encrypting_browser_is_offered_vp8_alone_for_every_video_section()
    {
        using var rig = new ConferenceRig(new SfuOptions { LastN = 2 }, batchedIo);
        var alice = rig.NewBrowser("alice");
        var bob = rig.NewBrowser("bob");
        alice.Session = rig.Media.Join("meeting", "alice", alice.Endpoint.LocalFingerprint, alice.Signals, vp8Only: true);
        bob.Session = rig.Media.Join("meeting", "bob", bob.Endpoint.LocalFingerprint, bob.Signals);
        var encrypting = await alice.Signals.WaitForOfferAsync(1);
        var plain = await bob.Signals.WaitForOfferAsync(1);

        var video = (OfferText offer) => offer.Sections.Where(s => s.Kind == "video").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(video(encrypting), Has.Count.EqualTo(5));
            Assert.That(video(encrypting).Select(s => string.Join(' ', s.PayloadTypes)), Has.All.EqualTo("96 97"), "VP8 and its RTX only");
            Assert.That(video(plain).Select(s => s.PayloadTypes), Has.All.Contains("102"), "others keep H.264");
        });
    }

    [Test]
    public void Join_refuses_a_malformed_fingerprint_and_a_participant_who_is_already_in()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = rig.NewBrowser("alice");
        Assert.That(ConferenceMedia.IsValidFingerprint("AB:CD"), Is.False);
        Assert.That(ConferenceMedia.IsValidFingerprint(alice.Endpoint.LocalFingerprint), Is.True);
        Assert.Throws<ArgumentException>(() => rig.Media.Join("meeting", "alice", "AB:CD", alice.Signals));
        var session = rig.Media.Join("meeting", "alice", alice.Endpoint.LocalFingerprint, alice.Signals);
        Assert.Throws<InvalidOperationException>(() => rig.Media.Join("meeting", "alice", alice.Endpoint.LocalFingerprint, alice.Signals));

        // The same person in another meeting, or again after leaving, is fine.
        Assert.That(rig.Media.Join("other", "alice", alice.Endpoint.LocalFingerprint, new RecordingSignals()), Is.Not.Null);
        rig.Media.Leave(session);
        Assert.That(rig.Media.Join("meeting", "alice", alice.Endpoint.LocalFingerprint, new RecordingSignals()), Is.Not.Null);
        Assert.That(rig.Media.GetCounters().ParticipantsByConference, Is.EqualTo(new Dictionary<string, int> { ["meeting"] = 1, ["other"] = 1 }));
    }

    [Test]
    public async Task Stale_malformed_and_foreign_answers_are_refused_while_media_flows_on()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob);

        // Carol's arrival re-offers to Alice, who holds back her answer; Dave's arrival changes her slots again.
        await ConferenceRig.WaitUntilAsync(() => alice.AnsweredRevision == 2, "Alice to answer her second offer");
        alice.AutoAnswer = false;
        var carol = await rig.JoinAsync("meeting", "carol");
        var pending = await alice.Signals.WaitForOfferAsync(3);
        var dave = await rig.JoinAsync("meeting", "dave");
        var session = alice.Session!;
        var previous = alice.Signals.Offers.Single(o => o.Revision == 2);
        using var stranger = DtlsIdentity.Create(TimeProvider.System);

        var stale = rig.Media.Answer(session, 2, alice.AnswerTo(previous));
        var future = rig.Media.Answer(session, 4, alice.AnswerTo(pending));
        var foreign = rig.Media.Answer(session, 3, alice.AnswerTo(pending, alice.Source with { Fingerprint = stranger.Sha256Fingerprint }));
        var garbage = rig.Media.Answer(session, 3, "v=0\r\nthis is not SDP\r\n");
        var toOldOffer = rig.Media.Answer(session, 3, alice.AnswerTo(previous));
        var missing = rig.Media.Answer(session, 3, null);

        Assert.That(stale.Refusal, Is.EqualTo(AnswerRefusal.StaleRevision), stale.ToString());
        Assert.That(future.Refusal, Is.EqualTo(AnswerRefusal.StaleRevision), future.ToString());
        Assert.That(foreign.Refusal, Is.EqualTo(AnswerRefusal.FingerprintMismatch), foreign.ToString());
        Assert.That(foreign.Message, Does.Not.Contain(stranger.Sha256Fingerprint).And.Not.Contain(alice.Endpoint.LocalFingerprint));
        Assert.That(garbage.Refusal, Is.EqualTo(AnswerRefusal.InvalidSdp));
        Assert.That(garbage.SdpErrors, Is.Not.Empty);
        Assert.That(toOldOffer.Refusal, Is.EqualTo(AnswerRefusal.InvalidSdp), "an answer to revision 2's m-sections does not fit revision 3");
        Assert.That(missing.Refusal, Is.EqualTo(AnswerRefusal.InvalidSdp));

        // Media goes on while Alice's offer waits: counts keep rising, and the others already hear Dave.
        await ConferenceRig.AllReceiveEachOtherAsync(bob, carol, dave);
        var before = (alice.ReceivedFrom(bob.AudioSsrc), bob.ReceivedFrom(alice.AudioSsrc));
        await ConferenceRig.WaitUntilAsync(
            () => alice.ReceivedFrom(bob.AudioSsrc) > before.Item1 + 20 && bob.ReceivedFrom(alice.AudioSsrc) > before.Item2 + 20,
            "media to flow on after the refused answers");
        Assert.That(alice.Signals.Offers, Has.Count.EqualTo(3), "no new offer while one awaits its answer");

        var right = rig.Media.Answer(session, 3, alice.AnswerTo(pending));
        var again = rig.Media.Answer(session, 3, alice.AnswerTo(pending));
        Assert.That(right.IsAccepted, Is.True, right.ToString());
        Assert.That(again.Refusal, Is.EqualTo(AnswerRefusal.StaleRevision));

        // The change that waited comes as the next offer, once.
        var next = await alice.Signals.WaitForOfferAsync(4);
        Assert.That(next.Sections.Count(s => s.Kind == "audio" && s.Direction == "sendonly"), Is.EqualTo(3), "audio slots for Bob, Carol and Dave");
        alice.AnsweredRevision = 3;
        alice.AutoAnswer = true;
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, carol, dave);
        Assert.That(alice.Signals.Offers, Has.Count.EqualTo(4));
        Assert.That(rig.Media.GetCounters().AnswersRefused, Is.EqualTo(7));
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task Leave_stops_forwarding_and_retires_the_leavers_section_then_rejects_and_recycles_it()
    {
        using var rig = new ConferenceRig(new SfuOptions { LastN = 3 }, batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        var carol = await rig.JoinAsync("meeting", "carol");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, carol);
        var carolsMid = alice.Signals.Slots.Single(s => s.Kind == TrackKind.Audio && s.ParticipantId == "carol").Mid;
        var position = alice.Signals.LatestOffer!.Sections.FindIndex(s => s.Mid == carolsMid);

        // Carol keeps sending after she left: the server must drop it. How changes group into offers depends on
        // how fast each browser answers, so the waits are for what the offers say, not for revision numbers.
        var beforeLeave = Revision(alice);
        rig.Media.Leave(carol.Session!);
        Assert.That(carol.Session!.IsClosed, Is.True);
        await ConferenceRig.WaitUntilAsync(
            () => new[] { alice, bob }.All(b => b.Signals.LatestOffer!.Sections.Any(s => s.Kind == "audio" && s.Direction == "inactive")),
            "Alice and Bob to get offers that retire Carol's audio section");
        var retired = alice.Signals.LatestOffer!;
        Assert.That(retired.Revision, Is.EqualTo(beforeLeave + 1), "one offer for the leave");
        Assert.That(retired.Sections[position], Is.EqualTo(retired.Sections[position] with { Mid = carolsMid, Port = 9, Direction = "inactive", Ssrc = null, MsidStream = null }));
        Assert.That(retired.Bundle, Does.Contain(carolsMid), "retired, not rejected: still bundled");
        await ConferenceRig.WaitUntilAsync(() => alice.Signals.Slots.All(s => s.ParticipantId != "carol") && bob.Signals.Slots.All(s => s.ParticipantId != "carol"), "Carol's slots to go");
        Assert.That(alice.Signals.Slots.Select(s => s.Mid), Does.Not.Contain(carolsMid));
        await carol.Endpoint.Closed.WaitAsync(ConferenceRig.Guard);

        var stopped = alice.ReceivedFrom(carol.AudioSsrc);
        await Task.Delay(300);
        Assert.That(alice.ReceivedFrom(carol.AudioSsrc), Is.EqualTo(stopped), "nothing of Carol's is forwarded after she left");
        Assert.That(carol.Signals.Closed, Is.Empty, "a participant who leaves is not told her media closed");
        Assert.That(rig.Media.GetCounters().ParticipantsByConference, Is.EqualTo(new Dictionary<string, int> { ["meeting"] = 2 }));

        // Dave's microphone: Carol's retired section is now rejected, and Dave's comes at the end.
        var dave = await rig.JoinAsync("meeting", "dave");
        await ConferenceRig.WaitUntilAsync(() => alice.Signals.LatestOffer!.Sections.Any(s => s.Ssrc == dave.AudioSsrc), "Alice's offer with Dave's audio");
        var rejected = alice.Signals.LatestOffer!;
        Assert.That((rejected.Sections[position].Mid, rejected.Sections[position].Port), Is.EqualTo((carolsMid, 0)));
        Assert.That(rejected.Bundle, Does.Not.Contain(carolsMid));
        Assert.That(rejected.Sections[^1].Ssrc, Is.EqualTo(dave.AudioSsrc));

        // Erin's takes over the rejected position, under a mid never used before.
        var erin = await rig.JoinAsync("meeting", "erin");
        await ConferenceRig.WaitUntilAsync(() => alice.Signals.LatestOffer!.Sections.Any(s => s.Ssrc == erin.AudioSsrc), "Alice's offer with Erin's audio");
        var recycled = alice.Signals.LatestOffer!;
        Assert.That(recycled.Sections, Has.Count.EqualTo(rejected.Sections.Count));
        Assert.That((recycled.Sections[position].Port, recycled.Sections[position].Ssrc), Is.EqualTo((9, (uint?)erin.AudioSsrc)));
        var everyMid = alice.Signals.Offers.SelectMany(o => o.Sections.Select((s, i) => (s.Mid, i))).Distinct().ToList();
        Assert.That(everyMid.Select(m => m.Mid), Is.Unique, "a mid is never reused at another position");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, dave, erin);
        Assert.That(alice.Refusals, Is.Empty);
        Assert.That(rig.Errors, Is.Empty);
    }

    [Test]
    public async Task A_browser_that_closes_its_connection_is_reported_and_its_slots_are_retired()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob);

        bob.Publishing = false;
        bob.Endpoint.Dispose();
        await ConferenceRig.WaitUntilAsync(() => !bob.Signals.Closed.IsEmpty, "Bob to hear his media closed");
        Assert.That(bob.Signals.Closed, Is.EqualTo(new[] { MediaCloseReason.ClosedByPeer }));
        Assert.That(bob.Session!.IsClosed, Is.True);
        Assert.That(rig.Media.Answer(bob.Session, 1, "v=0\r\n").Refusal, Is.EqualTo(AnswerRefusal.SessionClosed));

        var retired = await alice.Signals.WaitForOfferAsync(3);
        Assert.That(retired.Sections.Count(s => s.Kind == "audio" && s.Direction == "inactive"), Is.EqualTo(1));
        await ConferenceRig.WaitUntilAsync(() => alice.Signals.Slots.All(s => s.ParticipantId is null), "Alice's slots to empty");
        Assert.That(rig.Media.GetCounters().ParticipantsByConference, Is.EqualTo(new Dictionary<string, int> { ["meeting"] = 1 }));
    }

    [Test]
    public async Task Everyone_is_told_when_a_speaker_becomes_dominant()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        var carol = await rig.JoinAsync("meeting", "carol");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, carol);
        Assert.That(alice.Signals.Speakers.Dominant, Is.Null, "nobody has spoken yet");

        carol.Speaking = true;
        await ConferenceRig.WaitUntilAsync(
            () => new[] { alice, bob, carol }.All(b => b.Signals.Speakers is { Dominant: "carol" } speakers && speakers.Order[0] == "carol"),
            "everyone to hear that Carol speaks");
        Assert.That(alice.Signals.Speakers.Order, Is.EqualTo(new[] { "carol", "alice", "bob" }));
    }

    [Test]
    public async Task A_browser_that_asks_for_an_offer_can_start_sharing_its_screen_which_others_get_in_their_screen_slot()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob);
        var bobsOffers = bob.Signals.Offers.Count;

        // The server drives negotiation: Alice asks for an offer, then answers mid 2 sendonly with her screen.
        alice.Source = alice.Source with { ScreenSsrc = alice.AudioSsrc + 8, ScreenRtxSsrc = alice.AudioSsrc + 9 };
        rig.Media.RequestOffer(alice.Session!);
        var offer = await alice.Signals.WaitForOfferAsync(3);
        Assert.That(offer.Sections.Select(s => (s.Mid, s.Direction)), Is.EqualTo(alice.Signals.Offers[1].Sections.Select(s => (s.Mid, s.Direction))), "the same sections");

        await ConferenceRig.WaitUntilAsync(
            () => bob.Signals.Slots.FirstOrDefault(s => s.Kind == TrackKind.Screen) is { ParticipantId: "alice" } screen
                && bob.Signals.LatestOffer!.Section(screen.Mid).Ssrc is { } ssrc
                && bob.Received.TryGetValue(ssrc, out var stream) && stream.Packets > 10 && stream.LastTag == alice.Tag,
            "Bob to see Alice's screen in his screen slot");
        Assert.That(bob.Signals.Offers, Has.Count.EqualTo(bobsOffers), "a new source in an existing slot needs no offer");
        Assert.That(alice.Refusals, Is.Empty);
    }

    [Test]
    public async Task An_answer_that_publishes_someone_elses_ssrc_is_taken_but_closes_the_session()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var mallory = rig.NewBrowser("mallory");
        mallory.Source = mallory.Source with { AudioSsrc = alice.AudioSsrc };
        mallory.Session = rig.Media.Join("meeting", "mallory", mallory.Endpoint.LocalFingerprint, mallory.Signals);
        var offer = await mallory.Signals.WaitForOfferAsync(1);

        // The router's refusal comes after the answer was checked, on the receive thread.
        Assert.That(rig.Media.Answer(mallory.Session, 1, mallory.AnswerTo(offer)).IsAccepted, Is.True);
        await ConferenceRig.WaitUntilAsync(() => !mallory.Signals.Closed.IsEmpty, "Mallory's session to close");
        Assert.That(mallory.Signals.Closed, Is.EqualTo(new[] { MediaCloseReason.PublicationRefused }));
        Assert.That(mallory.Session.IsClosed, Is.True);
        var counters = rig.Media.GetCounters();
        Assert.That(counters.PublicationsRefused, Is.EqualTo(1));
        Assert.That(counters.ParticipantsByConference, Is.EqualTo(new Dictionary<string, int> { ["meeting"] = 1 }));
        Assert.That(alice.Signals.Offers, Has.Count.EqualTo(1), "Alice's layout never changed");
    }

    [Test]
    public async Task Dispose_tells_every_joined_session_that_the_server_stopped()
    {
        var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = rig.NewBrowser("bob");
        bob.Session = rig.Media.Join("meeting", "bob", bob.Endpoint.LocalFingerprint, bob.Signals);
        rig.Dispose();

        await ConferenceRig.WaitUntilAsync(() => !alice.Signals.Closed.IsEmpty && !bob.Signals.Closed.IsEmpty, "both to hear the server stopped");
        Assert.That(alice.Signals.Closed.Concat(bob.Signals.Closed), Is.EqualTo(new[] { MediaCloseReason.ServerStopped, MediaCloseReason.ServerStopped }));
        Assert.Throws<ObjectDisposedException>(() => rig.Media.Join("meeting", "carol", alice.Endpoint.LocalFingerprint, new RecordingSignals()));
    }

    [Test]
    public async Task Steady_forwarding_allocates_nothing_on_the_receive_thread()
    {
        using var rig = new ConferenceRig(batchedIo: batchedIo);
        var alice = await rig.JoinAsync("meeting", "alice");
        var bob = await rig.JoinAsync("meeting", "bob");
        var carol = await rig.JoinAsync("meeting", "carol");
        await ConferenceRig.AllReceiveEachOtherAsync(alice, bob, carol);

        // Let joins, answers, slot changes and the first reports settle, then measure windows of half a second of
        // forwarding, with consent checks and sender and receiver reports in them. An allocation per packet or per
        // tick shows in every window. The runtime itself allocates a few bytes on the thread when it promotes a
        // method to tier 1, which on a starved machine can land in a window now and then (never with
        // DOTNET_TieredCompilation=0): one clean window out of five proves the path.
        await Task.Delay(1000);
        var windows = new List<(long Allocated, long Received, long Sent)>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var start = rig.Media.GetCounters();
            var forwardedBefore = alice.ReceivedFrom(bob.AudioSsrc);
            await ConferenceRig.WaitUntilAsync(
                () => rig.Media.GetCounters().Ticks > start.Ticks + 25 && alice.ReceivedFrom(bob.AudioSsrc) > forwardedBefore + 40, "half a second of forwarding");
            var end = rig.Media.GetCounters();
            windows.Add((
                end.ReceiveThreadAllocatedBytes - start.ReceiveThreadAllocatedBytes,
                end.Server[MediaCounter.RtpReceived] - start.Server[MediaCounter.RtpReceived],
                end.Server[MediaCounter.RtpSent] - start.Server[MediaCounter.RtpSent]));
            Assert.That(end.OffersSent, Is.EqualTo(start.OffersSent), "steady: no renegotiation");
            if (windows[^1].Allocated == 0)
            {
                break;
            }
        }

        var clean = windows.Where(w => w.Allocated == 0).ToList();
        Assert.That(clean, Is.Not.Empty, $"bytes allocated on the receive thread per window while forwarding: {string.Join(", ", windows.Select(w => w.Allocated))}");
        Assert.That(clean[0].Received, Is.GreaterThan(200), "packets received in the clean window");
        Assert.That(clean[0].Sent, Is.GreaterThan(400), "packets forwarded in the clean window");
    }
}
