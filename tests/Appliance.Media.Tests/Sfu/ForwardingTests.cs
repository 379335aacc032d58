using Appliance.Media.Rtp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

public class ForwardingTests
{
    [Test]
    public void Audio_from_one_participant_reaches_every_other_participant_unchanged_and_not_its_sender()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        var b = meeting.Join();
        var c = meeting.Join();

        var packet = meeting.SendAudio(a, level: 30, voice: true);

        var sent = meeting.Output.Rtp.ToList();
        Assert.That(sent.Select(s => s.To), Is.EquivalentTo(new[] { b.Key, c.Key }));
        Assert.That(sent, Has.All.Matches<Sent>(s => s.Bytes.SequenceEqual(packet)));
        Assert.That(meeting.Counters(b).RtpSent, Is.EqualTo(1));
        Assert.That(meeting.Counters(a).RtpReceived, Is.EqualTo(1));
    }

    [Test]
    public void The_publishers_mid_is_blanked_and_the_audio_level_kept_in_forwarded_packets()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        var b = meeting.Join();

        meeting.SendAudio(a, level: 33, voice: true, mid: "0");

        var sent = meeting.Output.RtpTo(b.Key).Single();
        Assert.That(sent.Header.TryGetExtension(sent.Bytes, Packets.MidId, out _), Is.False);
        Assert.That(sent.Header.TryGetAudioLevel(sent.Bytes, Packets.AudioLevelId, out var level), Is.True);
        Assert.That(level, Is.EqualTo(new AudioLevel(true, 33)));
        Assert.That(sent.Payload, Has.Length.EqualTo(60));
    }

    [Test]
    public void Each_subscriber_has_audio_slots_under_the_publishers_ssrcs_and_video_and_screen_slots_of_its_own()
    {
        var meeting = new Meeting(lastN: 3);
        var members = Enumerable.Range(0, 4).Select(_ => meeting.Join()).ToList();
        meeting.Step(TimeSpan.FromMilliseconds(50));

        var layouts = members.Select(m => meeting.Router.GetLayout(m.Key)!).ToList();
        var first = layouts[0];
        Assert.That(first.Slots.Count(s => s.Kind == TrackKind.Video), Is.EqualTo(3));
        Assert.That(first.Slots.Count(s => s.Kind == TrackKind.Screen), Is.EqualTo(1));
        Assert.That(
            first.Slots.Where(s => s.Kind == TrackKind.Audio).Select(s => (s.Ssrc, s.Source)),
            Is.EquivalentTo(members.Skip(1).Select(m => (m.AudioSsrc, (ParticipantKey?)m.Key))));
        Assert.That(first.Slots.Where(s => s.Kind == TrackKind.Audio), Has.All.Matches<OutgoingSlot>(s => s.RtxSsrc == null));

        var ownSsrcs = layouts.SelectMany(l => l.Slots.Where(s => s.Kind != TrackKind.Audio).SelectMany(s => new[] { s.Ssrc, s.RtxSsrc!.Value })).ToList();
        var published = members.SelectMany(m => new[] { m.AudioSsrc, m.VideoSsrc, m.VideoRtxSsrc });
        Assert.That(ownSsrcs, Is.Unique);
        Assert.That(ownSsrcs, Has.None.AnyOf(published.Append(meeting.Router.RouterSsrc).Cast<object>().ToArray()));
        Assert.That(first.Slots.Select(s => s.Id), Is.Unique);
    }

    [Test]
    public void A_publication_that_reuses_someone_elses_ssrc_or_repeats_a_kind_is_refused()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        var b = meeting.Join(audio: false, video: false);
        var slotSsrc = meeting.Slot(a, TrackKind.Video).Ssrc;

        Assert.That(
            meeting.Router.SetPublication(b.Key, [new PublishedTrack(TrackKind.Audio, a.AudioSsrc, SfuOptions.OpusPayloadType)]),
            Is.EqualTo(PublicationResult.SsrcInUse));
        Assert.That(
            meeting.Router.SetPublication(b.Key, [new PublishedTrack(TrackKind.Video, slotSsrc, SfuOptions.Vp8PayloadType)]),
            Is.EqualTo(PublicationResult.SsrcInUse));
        Assert.That(
            meeting.Router.SetPublication(b.Key, [new PublishedTrack(TrackKind.Video, 5, SfuOptions.Vp8PayloadType, 5)]),
            Is.EqualTo(PublicationResult.SsrcInUse));
        Assert.That(
            meeting.Router.SetPublication(
                b.Key,
                [new PublishedTrack(TrackKind.Audio, 5, SfuOptions.OpusPayloadType), new PublishedTrack(TrackKind.Audio, 6, SfuOptions.OpusPayloadType)]),
            Is.EqualTo(PublicationResult.DuplicateKind));
        Assert.That(
            meeting.Router.SetPublication(b.Key, [new PublishedTrack(TrackKind.Audio, 5, SfuOptions.Vp8PayloadType)]),
            Is.EqualTo(PublicationResult.UnsupportedPayloadType));
        Assert.That(
            meeting.Router.SetPublication(b.Key, [new PublishedTrack(TrackKind.Audio, 5, SfuOptions.OpusPayloadType, RtxSsrc: 6)]),
            Is.EqualTo(PublicationResult.InvalidTrack));
        Assert.That(meeting.Router.SetPublication(new ParticipantKey(999), []), Is.EqualTo(PublicationResult.UnknownParticipant));

        // Refusals changed nothing: b still publishes nothing, a's audio still reaches b.
        Assert.That(meeting.Router.GetLayout(a.Key)!.Slots.Count(s => s.Kind == TrackKind.Audio), Is.Zero);
        meeting.SendAudio(a);
        Assert.That(meeting.Output.RtpTo(b.Key).Count(), Is.EqualTo(1));
    }

    [Test]
    public void Removing_a_participant_frees_its_audio_and_video_slots_at_the_others_and_the_next_publisher_fills_in()
    {
        var meeting = new Meeting(lastN: 1);
        var a = meeting.Join();
        var b = meeting.Join();
        var c = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        Assert.That(meeting.Slot(c, TrackKind.Video).Source, Is.EqualTo(a.Key));
        var versionBefore = meeting.Router.GetLayout(c.Key)!.Version;
        var structureBefore = meeting.Router.GetLayout(c.Key)!.StructureVersion;

        Assert.That(meeting.Router.RemoveParticipant(a.Key), Is.True);

        var layout = meeting.Router.GetLayout(c.Key)!;
        Assert.That(layout.Version, Is.GreaterThan(versionBefore));
        Assert.That(layout.StructureVersion, Is.GreaterThan(structureBefore));
        Assert.That(layout.Slots.Where(s => s.Kind == TrackKind.Audio).Select(s => s.Source), Is.EqualTo(new ParticipantKey?[] { b.Key }));
        Assert.That(meeting.Slot(c, TrackKind.Video).Source, Is.Null);

        meeting.Step(TimeSpan.FromMilliseconds(50));
        Assert.That(meeting.Slot(c, TrackKind.Video).Source, Is.EqualTo(b.Key));
        Assert.That(meeting.Router.GetLayout(a.Key), Is.Null);
        Assert.That(meeting.Router.RemoveParticipant(a.Key), Is.False);

        meeting.Output.Clear();
        meeting.SendAudio(a);
        meeting.SendAudio(b);
        Assert.That(meeting.Output.Rtp.Select(s => s.To), Is.EqualTo(new[] { c.Key }));
        Assert.That(meeting.Router.UnknownParticipantPackets, Is.EqualTo(1));
    }

    [Test]
    public void A_publishers_rtx_is_unwrapped_and_forwarded_as_the_original_and_padding_only_rtx_is_dropped()
    {
        var meeting = new Meeting(lastN: 1);
        var a = meeting.Join();
        var b = meeting.Join();
        meeting.Step(TimeSpan.FromMilliseconds(50));
        meeting.SendVideo(a, Packets.Vp8KeyframeStart());
        var keyframeSent = meeting.Output.RtpTo(b.Key).Single().Header.SequenceNumber;
        var lostSequence = a.VideoSequence++;
        meeting.SendVideo(a, Packets.Vp8Continuation(), newFrame: false);
        meeting.Output.Clear();

        // RTX (RFC 4588): the publisher's RTX SSRC and PT 97, its own sequence, the OSN, then the original payload.
        var original = Packets.Vp8Continuation(filler: 50);
        byte[] rtxPayload = [(byte)(lostSequence >> 8), (byte)lostSequence, .. original];
        meeting.Router.OnRtp(a.Key, Packets.Rtp(a.VideoRtxSsrc, 1, a.VideoTimestamp, SfuOptions.Vp8RtxPayloadType, rtxPayload), meeting.Now);
        meeting.Router.OnRtp(a.Key, Packets.Rtp(a.VideoRtxSsrc, 2, a.VideoTimestamp, SfuOptions.Vp8RtxPayloadType, [], padding: 200), meeting.Now);

        var forwarded = meeting.Output.RtpTo(b.Key).Single();
        var slot = meeting.Slot(b, TrackKind.Video);
        Assert.That(forwarded.Header.Ssrc, Is.EqualTo(slot.Ssrc));
        Assert.That(forwarded.Header.PayloadType, Is.EqualTo(SfuOptions.Vp8PayloadType));
        Assert.That(forwarded.Payload, Is.EqualTo(original));
        Assert.That(forwarded.Header.SequenceNumber, Is.EqualTo((ushort)(keyframeSent + 1)));
        Assert.That(meeting.Counters(a).DroppedPaddingOnly, Is.EqualTo(1));
    }

    [Test]
    public void Packets_on_an_unknown_ssrc_or_with_the_wrong_payload_type_are_counted_and_dropped()
    {
        var meeting = new Meeting();
        var a = meeting.Join();
        var b = meeting.Join();

        meeting.Router.OnRtp(a.Key, Packets.Rtp(b.AudioSsrc, 1, 1, SfuOptions.OpusPayloadType, new byte[10]), meeting.Now);
        meeting.Router.OnRtp(a.Key, Packets.Rtp(a.AudioSsrc, 1, 1, SfuOptions.Vp8PayloadType, new byte[10]), meeting.Now);
        meeting.Router.OnRtp(a.Key, Packets.Rtp(a.VideoSsrc, 1, 1, SfuOptions.Vp8RtxPayloadType, new byte[10]), meeting.Now);

        Assert.That(meeting.Output.Packets, Is.Empty);
        var counters = meeting.Counters(a);
        Assert.That(counters.DroppedUnknownSsrc, Is.EqualTo(1));
        Assert.That(counters.DroppedPayloadType, Is.EqualTo(2));
        Assert.That(counters.RtpReceived, Is.Zero);
    }
}
