using System.Net;
using Appliance.Media.Ice;
using Appliance.Media.Sdp;

namespace Appliance.Media.Tests.Sdp;

public class SdpWriterTests
{
    [Test]
    public void Typical_offer_matches_the_golden_text_line_by_line()
    {
        var written = SdpWriter.WriteOffer(TypicalSession.Offer()).Split("\r\n");
        var golden = SdpTestData.TypicalOffer.Split('\n');

        for (var i = 0; i < Math.Min(written.Length, golden.Length); i++)
        {
            Assert.That(written[i], Is.EqualTo(golden[i]), $"line {i + 1}");
        }

        Assert.That(written, Has.Length.EqualTo(golden.Length), "line count");
    }

    [Test]
    public void Every_line_ends_with_crlf_and_nothing_else_breaks_lines()
    {
        var text = SdpWriter.WriteOffer(TypicalSession.Offer());

        Assert.That(text, Does.EndWith("\r\n"));
        Assert.That(text.Replace("\r\n", string.Empty, StringComparison.Ordinal), Does.Not.Contain('\r').And.Not.Contain('\n'));
    }

    [Test]
    public void Session_part_is_jsep_shaped_with_ice_lite_and_one_bundle_of_all_mids()
    {
        var lines = SdpWriter.WriteOffer(TypicalSession.Offer()).Split("\r\n");

        Assert.That(lines[..8], Is.EqualTo(new[]
        {
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
            "a=ice-lite",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS *",
        }));
    }

    [Test]
    public void Host_candidate_priority_follows_rfc_8445()
    {
        // 2^24 * 126 + 2^8 * 65535 + (256 - 1): the value every ICE stack writes for a lone host address.
        Assert.That(new SdpCandidate("1", IPAddress.Parse("192.0.2.1"), 3478).Priority, Is.EqualTo(2130706431u));
        Assert.That(SdpCandidate.ComputePriority(126, 0, 1), Is.EqualTo((126u << 24) + 255u));
        Assert.That(SdpCandidate.ComputePriority(0, 65535, 2), Is.EqualTo((65535u << 8) + 254u));
        Assert.That(
            new SdpCandidate("7", IPAddress.Parse("2001:db8::1"), 40000, 40000).ToAttributeValue(),
            Is.EqualTo("7 1 udp 2124169471 2001:db8::1 40000 typ host"));
    }

    [Test]
    public void Passive_TCP_candidate_is_written_as_rfc_6544_says_and_ranks_below_udp()
    {
        // Local preference 2^13 * 4 (passive) + 8191 = 40959: 2^24 * 126 + 2^8 * 40959 + 255.
        var tcp = new SdpCandidate("2", IPAddress.Parse("192.0.2.1"), 10000, 40959, CandidateProtocol.Tcp);
        var udp = new SdpCandidate("1", IPAddress.Parse("192.0.2.1"), 10000);

        Assert.That(tcp.ToAttributeValue(), Is.EqualTo("2 1 tcp 2124414975 192.0.2.1 10000 typ host tcptype passive"));
        Assert.That(tcp.Priority, Is.LessThan(udp.Priority));
        foreach (var section in Sections(SdpWriter.WriteOffer(TypicalSession.Offer() with { Candidates = [udp, tcp] })))
        {
            Assert.That(section, Does.Contain("a=candidate:1 1 udp 2130706431 192.0.2.1 10000 typ host"));
            Assert.That(section, Does.Contain("a=candidate:2 1 tcp 2124414975 192.0.2.1 10000 typ host tcptype passive"));
        }
    }

    [Test]
    public void Candidates_and_end_of_candidates_are_in_every_bundled_m_section()
    {
        var sections = Sections(SdpWriter.WriteOffer(TypicalSession.Offer()));

        Assert.That(sections, Has.Count.EqualTo(16));
        foreach (var section in sections)
        {
            Assert.That(section, Does.Contain("a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host"));
            Assert.That(section, Does.Contain("a=candidate:2 1 udp 2130706175 2001:db8::10 40000 typ host"));
            Assert.That(section[^1], Is.EqualTo("a=end-of-candidates"));
        }
    }

    [Test]
    public void Retired_slot_is_inactive_and_stays_bundled_while_a_rejected_one_has_port_0_and_leaves_the_bundle()
    {
        var offer = TypicalSession.RetiredOffer();
        var text = SdpWriter.WriteOffer(offer);
        var sections = Sections(text);

        Assert.That(text, Does.Contain("o=- 4611731400430051336 3 IN IP4 127.0.0.1\r\n"));
        Assert.That(text, Does.Contain("a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 14 15\r\n"));

        var rejected = sections[13];
        Assert.That(rejected[0], Is.EqualTo("m=video 0 UDP/TLS/RTP/SAVPF 96 97 102 103"));
        Assert.That(rejected, Does.Contain("a=mid:13").And.Contain("a=inactive"));
        Assert.That(rejected.Where(l => l.StartsWith("a=extmap", StringComparison.Ordinal)
            || l.StartsWith("a=ssrc", StringComparison.Ordinal)
            || l.StartsWith("a=msid", StringComparison.Ordinal)
            || l.StartsWith("a=candidate", StringComparison.Ordinal)), Is.Empty);

        var retired = sections[14];
        Assert.That(retired[0], Is.EqualTo("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103"));
        Assert.That(retired, Does.Contain("a=inactive").And.Contain("a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid").And.Contain("a=end-of-candidates"));
        Assert.That(retired.Where(l => l.StartsWith("a=ssrc", StringComparison.Ordinal) || l.StartsWith("a=msid", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Codec_lists_are_configurable_per_m_section()
    {
        var offer = TypicalSession.Offer();
        var sections = offer.Sections.ToList();
        sections[1] = sections[1] with { Codecs = [SdpCodecs.H264, SdpCodecs.Vp8] };
        sections[2] = sections[2] with { Codecs = [SdpCodecs.Vp8] };

        var written = Sections(SdpWriter.WriteOffer(offer with { Sections = sections }));

        Assert.That(written[1][0], Is.EqualTo("m=video 9 UDP/TLS/RTP/SAVPF 102 103 96 97"));
        Assert.That(written[2][0], Is.EqualTo("m=video 9 UDP/TLS/RTP/SAVPF 96 97"));
        Assert.That(written[2].Where(l => l.Contains("H264", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Next_offer_keeps_the_session_id_and_increments_the_version()
    {
        var offer = TypicalSession.Offer();

        var next = offer.Next(offer.Sections);

        Assert.That(next.SessionId, Is.EqualTo(offer.SessionId));
        Assert.That(next.Version, Is.EqualTo(offer.Version + 1));
        Assert.That(next.ValidateAsSuccessorOf(offer), Is.Empty);
    }

    [Test]
    public void Successor_that_removes_renames_or_resurrects_m_sections_is_reported()
    {
        var offer = TypicalSession.Offer();
        var retired = TypicalSession.RetiredOffer();

        var removed = offer.Next(offer.Sections.Take(15).ToList());
        var renamed = offer.Next(offer.Sections.Select((s, i) => i == 6 ? s with { Mid = "99" } : s).ToList());
        var resurrected = retired.Next(retired.Sections.Select((s, i) => i == 13 ? s with { IsRejected = false, Direction = SdpDirection.Inactive } : s).ToList());
        var recycledWithOldMid = retired.Next(retired.Sections.Select((s, i) => i == 13 ? SdpOfferSection.Receive("5", SdpMediaKind.Video) : s).ToList());
        var recycled = retired.Next(retired.Sections.Select((s, i) => i == 13 ? SdpOfferSection.Receive("16", SdpMediaKind.Audio) : s).ToList());
        var sameVersion = offer with { Sections = offer.Sections };

        Assert.That(removed.ValidateAsSuccessorOf(offer), Has.Some.Contains("never removed"));
        Assert.That(renamed.ValidateAsSuccessorOf(offer), Has.Some.Contains("changed its mid"));
        Assert.That(resurrected.ValidateAsSuccessorOf(retired), Has.Some.Contains("only under a new mid"));
        Assert.That(recycledWithOldMid.ValidateAsSuccessorOf(retired), Has.Some.Contains("already in use"));
        Assert.That(recycled.ValidateAsSuccessorOf(retired), Is.Empty);
        Assert.That(sameVersion.ValidateAsSuccessorOf(offer), Has.Some.Contains("version"));
    }

    [Test]
    public void New_fingerprint_without_new_ice_credentials_is_reported()
    {
        var offer = TypicalSession.Offer();
        var digest = new byte[SdpFingerprint.DigestLength];
        digest[0] = 1;

        var next = offer.Next(offer.Sections) with { Fingerprint = SdpFingerprint.FromDigest(digest) };
        var restarted = next with { Ice = IceCredentials.Generate() };

        Assert.That(next.ValidateAsSuccessorOf(offer), Has.Some.Contains("ICE restart"));
        Assert.That(restarted.ValidateAsSuccessorOf(offer), Is.Empty);
    }

    [TestCaseSource(nameof(InvalidOffers))]
    public void Invalid_offer_is_not_written(Func<SessionOffer, SessionOffer> breakIt, string problem)
    {
        var offer = breakIt(TypicalSession.Offer());

        Assert.That(offer.Validate(), Has.Some.Contains(problem));
        Assert.That(() => SdpWriter.WriteOffer(offer), Throws.ArgumentException.With.Message.Contains(problem));
    }

    private static IEnumerable<TestCaseData> InvalidOffers()
    {
        static SessionOffer Change(SessionOffer offer, int index, Func<SdpOfferSection, SdpOfferSection> change) =>
            offer with { Sections = offer.Sections.Select((s, i) => i == index ? change(s) : s).ToList() };

        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 4, s => s with { Mid = "3" })), "used twice")
            .SetArgDisplayNames("duplicate mid");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 0, s => s.Reject())), "BUNDLE tag")
            .SetArgDisplayNames("first m-section rejected");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 3, s => s with { Source = null })), "source is given exactly")
            .SetArgDisplayNames("sendonly without source");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { Codecs = [SdpCodecs.Opus] })), "channels")
            .SetArgDisplayNames("audio codec in video section");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { Codecs = [SdpCodecs.Vp8, SdpCodecs.Vp8] })), "used twice")
            .SetArgDisplayNames("payload type twice");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { Codecs = [] })), "no codec")
            .SetArgDisplayNames("no codec");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { HeaderExtensions = [new SdpHeaderExtension(15, "urn:x")] })), "outside 1 to 14")
            .SetArgDisplayNames("two-byte extension id");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { Mid = "slot-6" })), "letters and digits")
            .SetArgDisplayNames("mid with a dash");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => Change(o, 6, s => s with { Source = new SdpSendingSource(1, null, "c", "s", "t") })), "RTX SSRC")
            .SetArgDisplayNames("video source without rtx ssrc");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => o with { Candidates = [] }), "candidate")
            .SetArgDisplayNames("no candidates");
        yield return new TestCaseData((Func<SessionOffer, SessionOffer>)(o => o with { SessionId = ulong.MaxValue }), "session id")
            .SetArgDisplayNames("session id above 2^63");
    }

    private static List<string[]> Sections(string sdp)
    {
        var lines = sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var sections = new List<string[]>();
        var start = -1;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i == lines.Length || lines[i].StartsWith("m=", StringComparison.Ordinal))
            {
                if (start >= 0)
                {
                    sections.Add(lines[start..i]);
                }

                start = i;
            }
        }

        return sections;
    }
}
