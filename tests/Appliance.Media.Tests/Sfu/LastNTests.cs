using Appliance.Media.Rtp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

public class LastNTests
{
    [Test]
    public void With_twelve_participants_each_subscriber_sees_the_nine_most_recent_speakers_and_never_itself()
    {
        var meeting = new Meeting();
        var members = Enumerable.Range(0, 12).Select(_ => meeting.Join()).ToList();

        foreach (var speaker in members)
        {
            meeting.Speak(speaker, TimeSpan.FromMilliseconds(600));
        }

        Assert.That(meeting.Router.DominantSpeaker, Is.EqualTo(members[^1].Key));
        var order = meeting.Router.GetSpeakerOrder();
        Assert.That(order, Is.EqualTo(members.AsEnumerable().Reverse().Select(m => m.Key)));
        foreach (var subscriber in members)
        {
            var expected = order.Where(k => k != subscriber.Key).Take(9);
            var shown = meeting.VideoSlots(subscriber).Select(s => s.Source);
            Assert.That(shown, Is.EquivalentTo(expected.Cast<ParticipantKey?>()), $"subscriber {subscriber.Key}");
        }
    }

    [Test]
    public void Before_anyone_speaks_the_slots_show_other_video_publishers_in_join_order()
    {
        var meeting = new Meeting(lastN: 2);
        var a = meeting.Join();
        var b = meeting.Join(video: false);
        var c = meeting.Join();
        var d = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));

        Assert.That(meeting.VideoSlots(a).Select(s => s.Source), Is.EqualTo(new ParticipantKey?[] { c.Key, d.Key }));
        Assert.That(meeting.VideoSlots(b).Select(s => s.Source), Is.EqualTo(new ParticipantKey?[] { a.Key, c.Key }));
        Assert.That(meeting.Router.DominantSpeaker, Is.Null);
    }

    [Test]
    public void A_short_burst_does_not_make_a_speaker_dominant_but_sustained_speech_does()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        var b = meeting.Join();
        meeting.Speak(a, TimeSpan.FromMilliseconds(600));
        var version = meeting.Router.SpeakerVersion;

        meeting.Speak(b, TimeSpan.FromMilliseconds(200));
        meeting.Speak(a, TimeSpan.FromMilliseconds(20));
        Assert.That(meeting.Router.DominantSpeaker, Is.EqualTo(a.Key));
        Assert.That(meeting.Router.SpeakerVersion, Is.EqualTo(version));

        meeting.Speak(b, TimeSpan.FromMilliseconds(600));
        Assert.That(meeting.Router.DominantSpeaker, Is.EqualTo(b.Key));
        Assert.That(meeting.Router.IsSpeaking(b.Key), Is.True);
        Assert.That(meeting.Router.SpeakerVersion, Is.GreaterThan(version));
    }

    [Test]
    public void A_speaker_change_switches_a_slot_only_at_a_keyframe_with_a_pli_and_continuous_numbering()
    {
        var meeting = new Meeting(lastN: 1);
        var viewer = meeting.Join();
        var a = meeting.Join();
        var b = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        var slot = meeting.Slot(viewer, TrackKind.Video);
        Assert.That(slot.Source, Is.EqualTo(a.Key));

        // A's deltas are held until its key frame; then it flows under the slot's SSRC.
        meeting.SendVideo(a, Packets.Vp8DeltaStart());
        Assert.That(meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc), Is.Empty);
        for (var i = 0; i < 5; i++)
        {
            meeting.SendVideo(a, i == 0 ? Packets.Vp8KeyframeStart() : Packets.Vp8DeltaStart());
            meeting.SendVideo(a, Packets.Vp8Continuation(), newFrame: false);
            meeting.Step(TimeSpan.FromMilliseconds(33));
        }

        var fromA = meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc).ToList();
        Assert.That(fromA, Has.Count.EqualTo(10));
        meeting.Output.Clear();

        // B becomes the dominant speaker: the slot is assigned to B and B is asked for a key frame. The slot keeps
        // its SSRCs, so the layout changes but its structure (what the SDP describes) does not.
        var before = meeting.Router.GetLayout(viewer.Key)!;
        meeting.Speak(b, TimeSpan.FromMilliseconds(600));
        var after = meeting.Router.GetLayout(viewer.Key)!;
        Assert.That(meeting.Slot(viewer, TrackKind.Video).Source, Is.EqualTo(b.Key));
        Assert.That(meeting.Slot(viewer, TrackKind.Video) with { Source = a.Key }, Is.EqualTo(slot));
        Assert.That(after.Version, Is.GreaterThan(before.Version));
        Assert.That(after.StructureVersion, Is.EqualTo(before.StructureVersion));
        var pli = meeting.Output.RtcpTo(b.Key).First();
        Assert.That(ReadPli(pli.Bytes), Is.EqualTo((meeting.Router.RouterSsrc, b.VideoSsrc)));

        // A keeps flowing and B's deltas are held until B's key frame; from then on only B.
        meeting.Output.Clear();
        meeting.SendVideo(b, Packets.Vp8DeltaStart());
        meeting.SendVideo(a, Packets.Vp8DeltaStart());
        var lastFromA = meeting.Output.RtpTo(viewer.Key).Single(p => p.Header.Ssrc == slot.Ssrc);
        meeting.Step(TimeSpan.FromMilliseconds(40));
        meeting.SendVideo(b, Packets.Vp8KeyframeStart());
        meeting.SendVideo(b, Packets.Vp8Continuation(), newFrame: false);
        meeting.SendVideo(a, Packets.Vp8DeltaStart());
        meeting.Step(TimeSpan.FromMilliseconds(33));
        meeting.SendVideo(b, Packets.Vp8DeltaStart());

        var video = meeting.Output.RtpTo(viewer.Key).Where(p => p.Header.Ssrc == slot.Ssrc).ToList();
        Assert.That(video, Has.Count.EqualTo(4));
        Assert.That(Keyframes.IsVp8KeyframeStart(video[1].Payload), Is.True);
        var sequences = video.Select(p => (int)p.Header.SequenceNumber).ToList();
        Assert.That(sequences, Is.EqualTo(Enumerable.Range(lastFromA.Header.SequenceNumber, 4).Select(s => s & 0xFFFF)));

        // B's first timestamp follows A's last by the 40 ms that passed; B's own spacing is kept after that.
        var timestamps = video.Select(p => p.Header.Timestamp).ToList();
        Assert.That(timestamps[1] - timestamps[0], Is.EqualTo(3600u));
        Assert.That(timestamps[2], Is.EqualTo(timestamps[1]));
        Assert.That(timestamps[3] - timestamps[2], Is.EqualTo(3000u));
        Assert.That(meeting.Counters(b).HeldForKeyframe, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public void A_waiting_slot_repeats_its_key_frame_request_no_more_than_the_rate_limit_allows()
    {
        var meeting = new Meeting(lastN: 1);
        var viewers = Enumerable.Range(0, 5).Select(_ => meeting.Join(video: false)).ToList();
        var a = meeting.Join();

        meeting.Step(TimeSpan.FromMilliseconds(1000));

        // Five subscribers wait for A; 1 s at one request per 300 ms is at most 4 requests.
        var requests = meeting.Output.RtcpTo(a.Key).Count();
        Assert.That(requests, Is.EqualTo(4));
        Assert.That(meeting.Counters(a).KeyframeRequestsSent, Is.EqualTo(requests));
        Assert.That(viewers.Select(v => meeting.Slot(v, TrackKind.Video).Source), Has.All.EqualTo(a.Key));
    }

    [Test]
    public void A_screen_share_goes_to_every_other_participants_screen_slot_from_its_keyframe()
    {
        var meeting = new Meeting(lastN: 2);
        var a = meeting.Join();
        var b = meeting.Join();
        var c = meeting.Join();
        meeting.ShareScreen(a);
        meeting.Step(TimeSpan.FromMilliseconds(50));

        Assert.That(meeting.Slot(b, TrackKind.Screen).Source, Is.EqualTo(a.Key));
        Assert.That(meeting.Slot(c, TrackKind.Screen).Source, Is.EqualTo(a.Key));
        Assert.That(meeting.Slot(a, TrackKind.Screen).Source, Is.Null);
        meeting.Output.Clear();

        meeting.SendScreen(a, Packets.Vp8DeltaStart());
        Assert.That(meeting.Output.Rtp, Is.Empty);
        meeting.SendScreen(a, Packets.Vp8KeyframeStart());
        meeting.SendScreen(a, Packets.Vp8DeltaStart());

        Assert.That(meeting.Output.Rtp.Select(p => (p.To, p.Header.Ssrc)), Is.EquivalentTo(new[]
        {
            (b.Key, meeting.Slot(b, TrackKind.Screen).Ssrc), (c.Key, meeting.Slot(c, TrackKind.Screen).Ssrc),
            (b.Key, meeting.Slot(b, TrackKind.Screen).Ssrc), (c.Key, meeting.Slot(c, TrackKind.Screen).Ssrc),
        }));

        // The share stops: the slots empty at the next tick.
        meeting.Router.SetPublication(a.Key, [new PublishedTrack(TrackKind.Audio, a.AudioSsrc, SfuOptions.OpusPayloadType)]);
        meeting.Step(TimeSpan.FromMilliseconds(50));
        Assert.That(meeting.Slot(b, TrackKind.Screen).Source, Is.Null);
    }

    private static (uint Sender, uint Media) ReadPli(byte[] compound)
    {
        var reader = new RtcpCompoundReader(compound);
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(RtcpPictureLossIndication.TryRead(packet, out var pli), Is.True);
        return (pli.SenderSsrc, pli.MediaSsrc);
    }
}
