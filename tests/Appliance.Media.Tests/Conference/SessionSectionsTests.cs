using System.Net;
using Appliance.Media.Conference;
using Appliance.Media.Ice;
using Appliance.Media.Sdp;
using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Conference;

/// <summary>The m-sections of one session's offers as slots come and go, without any network.</summary>
public class SessionSectionsTests
{
    private static readonly SdpCandidate[] Candidates = [new("1", IPAddress.Parse("192.0.2.10"), 40000)];

    [Test]
    public void A_vanished_slots_section_is_retired_then_rejected_then_recycled_under_a_new_mid()
    {
        var sections = new SessionSections();
        var first = sections.First(42, IceCredentials.Generate(), Fingerprint(), Candidates, Layout(1, Audio(10)));
        Assert.That(Mids(first), Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5", "6" }));
        Assert.That(first.Sections[6].Source!.Ssrc, Is.EqualTo(0xA00Au));

        // Audio slot 10 goes, 11 comes: 10's section is retired, 11's appended.
        var second = sections.Next(Layout(2, Audio(11)));
        Assert.That(second.Sections[6], Is.EqualTo(first.Sections[6].Retire()));
        Assert.That(Mids(second)[7], Is.EqualTo("7"));
        Assert.That(sections.TryGetMid(10, out _), Is.False);

        // 12 comes: the retired section is rejected now, so 12 cannot have it yet.
        var third = sections.Next(Layout(3, Audio(11), Audio(12)));
        Assert.That(third.Sections[6], Is.EqualTo(first.Sections[6].Reject()));
        Assert.That(third.Sections, Has.Count.EqualTo(9));

        // 12 goes, 13 comes: 13 takes the rejected position under the mid never used before.
        var fourth = sections.Next(Layout(4, Audio(11), Audio(13)));
        Assert.That(fourth.Sections, Has.Count.EqualTo(9));
        Assert.That((fourth.Sections[6].Mid, fourth.Sections[6].IsRejected, fourth.Sections[6].Source!.Ssrc), Is.EqualTo(("9", false, 0xA00Du)));
        Assert.That(fourth.Sections[8].Direction, Is.EqualTo(SdpDirection.Inactive));
        Assert.That(sections.TryGetMid(13, out var mid) ? mid : null, Is.EqualTo("9"));
        Assert.That((fourth.Version, fourth.SessionId), Is.EqualTo((4UL, 42UL)));
        foreach (var offer in new[] { first, second, third, fourth })
        {
            Assert.That(SdpWriter.WriteOffer(offer), Does.StartWith("v=0"));
        }
    }

    [Test]
    public void A_slot_section_the_browser_rejected_is_rejected_in_the_next_offer_and_its_slot_not_offered_again()
    {
        var sections = new SessionSections();
        var first = sections.First(42, IceCredentials.Generate(), Fingerprint(), Candidates, Layout(1, Audio(10)));
        var answer = Answer(first, rejectedPosition: 6);
        sections.OnAnswered(answer);
        Assert.That(sections.TryGetMid(10, out _), Is.False, "the slot has no live section any more");

        var second = sections.Next(Layout(2, Audio(10), Audio(11)));
        Assert.That(second.Sections[6].IsRejected, Is.True);
        Assert.That(second.Sections, Has.Count.EqualTo(8));
        Assert.That(second.Sections[7].Source!.Ssrc, Is.EqualTo(0xA00Bu), "only the new slot gets a section");
        Assert.That(second.Sections[3].Direction, Is.EqualTo(SdpDirection.SendOnly), "other slots keep their sections");
    }

    [Test]
    public void Slot_sections_carry_the_slots_ssrcs_and_msids_that_name_the_slot()
    {
        var sections = new SessionSections();
        var offer = sections.First(7, IceCredentials.Generate(), Fingerprint(), Candidates, Layout(1, Audio(10)));
        var video = offer.Sections[3].Source!;
        var screen = offer.Sections[5].Source!;
        var audio = offer.Sections[6].Source!;
        Assert.That((video.Ssrc, video.RtxSsrc, video.StreamId, video.TrackId), Is.EqualTo((0xB000u, (uint?)0xB001u, "slot-0", "slot-0-video")));
        Assert.That((screen.Ssrc, screen.RtxSsrc, screen.StreamId, screen.TrackId), Is.EqualTo((0xB004u, (uint?)0xB005u, "slot-2", "slot-2-screen")));
        Assert.That((audio.Ssrc, audio.RtxSsrc, audio.StreamId, audio.TrackId), Is.EqualTo((0xA00Au, (uint?)null, "slot-10", "slot-10-audio")));
        Assert.That(offer.Sections.Take(3).Select(s => (s.Mid, s.Kind, s.Direction)), Is.EqualTo(new[]
        {
            ("0", SdpMediaKind.Audio, SdpDirection.RecvOnly), ("1", SdpMediaKind.Video, SdpDirection.RecvOnly), ("2", SdpMediaKind.Video, SdpDirection.RecvOnly),
        }));
    }

    private static OutgoingSlot Audio(int id) => new(id, TrackKind.Audio, 0xA000u + (uint)id, null, new ParticipantKey(id));

    /// <summary>Two video slots and a screen slot, always there, then the given audio slots.</summary>
    private static SubscriberLayout Layout(long structureVersion, params OutgoingSlot[] audio) =>
        new(new ParticipantKey(1), structureVersion, structureVersion,
        [
            new OutgoingSlot(0, TrackKind.Video, 0xB000, 0xB001, null),
            new OutgoingSlot(1, TrackKind.Video, 0xB002, 0xB003, null),
            new OutgoingSlot(2, TrackKind.Screen, 0xB004, 0xB005, null),
            .. audio,
        ]);

    private static string[] Mids(SessionOffer offer) => [.. offer.Sections.Select(s => s.Mid)];

    private static SdpFingerprint Fingerprint() => SdpFingerprint.FromDigest(new byte[32]);

    private static SdpAnswer Answer(SessionOffer offer, int rejectedPosition) => new()
    {
        SessionId = 1,
        SessionVersion = 1,
        Ice = IceCredentials.Generate(),
        Fingerprint = Fingerprint(),
        ExtmapAllowMixed = true,
        BundleMids = [.. offer.Sections.Where((_, i) => i != rejectedPosition).Select(s => s.Mid)],
        Sections = [.. offer.Sections.Select((s, i) => new SdpAnswerSection
        {
            Index = i,
            Mid = s.Mid,
            Kind = s.Kind,
            IsRejected = i == rejectedPosition,
            Direction = i == rejectedPosition ? SdpDirection.Inactive : SdpDirection.RecvOnly,
        })],
    };
}
