using Appliance.Media.Sdp;

namespace Appliance.Media.Tests.Sdp;

public class SdpParserTests
{
    // Values from chrome-answer.sdp (Chromium 156, see TestData/README.md).
    private const string ChromeStream = "0b4d97a6-71bc-467c-85f1-c2a663ece824";
    private const string ChromeCname = "NOL4k3qnR5LK2M93";
    private const string ChromeFingerprint =
        "C0:EA:1D:15:18:17:D2:EC:5A:0A:46:8C:A1:4C:6B:B1:C5:86:66:EA:09:5D:CE:1E:7A:AF:C1:FE:50:AE:D1:31";

    private static readonly string[] VideoFeedback = ["goog-remb", "ccm fir", "nack", "nack pli"];

    [Test]
    public void Chrome_answer_parses_into_the_expected_model()
    {
        var result = SdpParser.ParseAnswer(SdpTestData.ChromeAnswer, TypicalSession.Offer());

        Assert.That(result.Errors, Is.Empty);
        var answer = result.Answer!;
        Assert.That(answer.SessionId, Is.EqualTo(8897053410514932298UL));
        Assert.That(answer.SessionVersion, Is.EqualTo(2UL));
        Assert.That(answer.Ice.Ufrag, Is.EqualTo("xzIf"));
        Assert.That(answer.Ice.Password, Is.EqualTo("eWFQSCYWNPfz517kRJWLpo1L"));
        Assert.That(answer.Fingerprint, Is.EqualTo(SdpFingerprint.Parse(ChromeFingerprint)));
        Assert.That(answer.ExtmapAllowMixed, Is.True);
        Assert.That(answer.BundleMids, Is.EqualTo(Enumerable.Range(0, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(answer.Sections, Has.Count.EqualTo(16));

        var microphone = answer.FindSection("0")!;
        Assert.That(microphone, Is.EqualTo(microphone with
        {
            Index = 0, Kind = SdpMediaKind.Audio, IsRejected = false, Direction = SdpDirection.SendOnly,
            PayloadType = 111, RtxPayloadType = null, RtcpReducedSize = true,
            Ssrc = 547330645, RtxSsrc = null, Cname = ChromeCname,
            StreamId = ChromeStream, TrackId = "0fb949ec-1319-4b7e-a49a-83499af82a95",
        }));
        Assert.That(microphone.PayloadTypes, Is.EqualTo(new[] { 111 }));
        Assert.That(microphone.Feedback, Is.Empty);
        Assert.That(microphone.HeaderExtensions, Is.EqualTo(new[] { SdpHeaderExtensions.AudioLevel, SdpHeaderExtensions.Mid }));
        Assert.That(microphone.BrowserSends, Is.True);

        var camera = answer.FindSection("1")!;
        Assert.That(camera, Is.EqualTo(camera with
        {
            Index = 1, Kind = SdpMediaKind.Video, IsRejected = false, Direction = SdpDirection.SendOnly,
            PayloadType = 96, RtxPayloadType = 97, RtcpReducedSize = true,
            Ssrc = 2909942309, RtxSsrc = 3903766166, Cname = ChromeCname,
            StreamId = ChromeStream, TrackId = "10dc624a-17ce-4975-9c2b-30f9d83c9fc3",
        }));
        Assert.That(camera.PayloadTypes, Is.EqualTo(new[] { 96, 97, 102, 103 }));
        Assert.That(camera.Feedback, Is.EqualTo(VideoFeedback));
        Assert.That(camera.HeaderExtensions, Is.EqualTo(new[] { SdpHeaderExtensions.Mid }));

        // No screen is shared: the transceiver stayed recvonly, so Chrome answers the recvonly offer inactive.
        var screen = answer.FindSection("2")!;
        Assert.That(screen.Direction, Is.EqualTo(SdpDirection.Inactive));
        Assert.That((screen.Ssrc, screen.StreamId, screen.BrowserSends), Is.EqualTo(((uint?)null, (string?)null, false)));

        foreach (var mid in new[] { "3", "4", "5" })
        {
            var speaker = answer.FindSection(mid)!;
            Assert.That(
                (speaker.Kind, speaker.Direction, speaker.PayloadType, speaker.Ssrc, speaker.BrowserReceives),
                Is.EqualTo((SdpMediaKind.Audio, SdpDirection.RecvOnly, (int?)111, (uint?)null, true)),
                $"mid {mid}");
        }

        foreach (var section in answer.Sections.Skip(6))
        {
            Assert.That(
                (section.Kind, section.Direction, section.PayloadType, section.RtxPayloadType, section.Ssrc),
                Is.EqualTo((SdpMediaKind.Video, SdpDirection.RecvOnly, (int?)96, (int?)97, (uint?)null)),
                $"mid {section.Mid}");
            Assert.That(section.Feedback, Is.EqualTo(VideoFeedback));
        }
    }

    [Test]
    public void Chrome_answer_parses_the_same_with_lf_line_ends()
    {
        var crlf = SdpParser.ParseAnswer(SdpTestData.ChromeAnswer, TypicalSession.Offer());
        var lf = SdpParser.ParseAnswer(SdpTestData.ChromeAnswer.Replace("\r\n", "\n", StringComparison.Ordinal), TypicalSession.Offer());

        Assert.That(lf.Errors, Is.Empty);
        Assert.That(lf.Answer!.Sections.Select(Describe), Is.EqualTo(crlf.Answer!.Sections.Select(Describe)));
    }

    [Test]
    public void Chrome_answer_to_a_re_offer_shows_the_rejected_and_the_retired_slot()
    {
        var result = SdpParser.ParseAnswer(SdpTestData.ChromeAnswerRetired, TypicalSession.RetiredOffer());

        Assert.That(result.Errors, Is.Empty);
        var answer = result.Answer!;
        Assert.That(answer.SessionVersion, Is.EqualTo(3UL));
        Assert.That(answer.BundleMids, Does.Not.Contain("13"));
        Assert.That(answer.FindSection("13")!, Has.Property(nameof(SdpAnswerSection.IsRejected)).True
            .And.Property(nameof(SdpAnswerSection.Direction)).EqualTo(SdpDirection.Inactive)
            .And.Property(nameof(SdpAnswerSection.PayloadType)).Null);
        Assert.That(answer.FindSection("14")!, Has.Property(nameof(SdpAnswerSection.IsRejected)).False
            .And.Property(nameof(SdpAnswerSection.Direction)).EqualTo(SdpDirection.Inactive));
        Assert.That(answer.FindSection("0")!.Ssrc, Is.EqualTo(1807379130u));
    }

    [Test]
    public void Answer_that_leaves_out_h264_chooses_vp8_only()
    {
        var answer = Edit.Text(SdpTestData.ChromeAnswer)
            .ReplaceAll("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 96 97")
            .RemoveLinesStartingWith("a=rtpmap:102 ", "a=rtcp-fb:102 ", "a=fmtp:102 ", "a=rtpmap:103 ", "a=fmtp:103 ")
            .ToString();

        var result = SdpParser.ParseAnswer(answer, TypicalSession.Offer());

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Answer!.FindSection("1")!.PayloadTypes, Is.EqualTo(new[] { 96, 97 }));
        Assert.That(result.Answer.FindSection("1")!.RtxSsrc, Is.EqualTo(3903766166u));
    }

    [Test]
    public void Answer_that_prefers_h264_chooses_it_with_its_rtx()
    {
        var answer = Edit.Text(SdpTestData.ChromeAnswer)
            .InSection(1, s => s.ReplaceAll("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 102 103 96 97"))
            .ToString();

        var section = SdpParser.ParseAnswer(answer, TypicalSession.Offer()).Answer!.FindSection("1")!;

        Assert.That((section.PayloadType, section.RtxPayloadType), Is.EqualTo(((int?)102, (int?)103)));
    }

    [Test]
    public void Browser_may_reject_an_m_section_with_port_0()
    {
        var answer = Edit.Text(SdpTestData.ChromeAnswer)
            .InSection(15, s => s.ReplaceAll("m=video 9 ", "m=video 0 ").ReplaceAll("a=recvonly", "a=inactive"))
            .ReplaceAll("a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", "a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14")
            .ToString();

        var result = SdpParser.ParseAnswer(answer, TypicalSession.Offer());

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Answer!.FindSection("15")!.IsRejected, Is.True);
        Assert.That(result.Answer.FindSection("15")!.BrowserReceives, Is.False);
    }

    // ---- Violations: each yields an error naming the problem, and none throws --------------------------

    [Test]
    public void Missing_fingerprint_is_an_error()
    {
        var result = Parse(a => a.RemoveLinesStartingWith("a=fingerprint:"));

        AssertFails(result, SdpErrorCode.MissingFingerprint, "fingerprint");
    }

    [Test]
    public void Sha_1_fingerprint_is_an_error()
    {
        var result = Parse(a => a.ReplaceAll(
            "a=fingerprint:sha-256 " + ChromeFingerprint,
            "a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB"));

        AssertFails(result, SdpErrorCode.UnsupportedFingerprintAlgorithm, "sha-1");
    }

    [Test]
    public void Fingerprint_of_the_wrong_length_or_form_is_an_error()
    {
        AssertFails(Parse(a => a.ReplaceAll(ChromeFingerprint, ChromeFingerprint[..^3])), SdpErrorCode.InvalidFingerprint, "32 hex bytes");
        AssertFails(Parse(a => a.ReplaceAll(ChromeFingerprint, ChromeFingerprint.Replace(':', '-'))), SdpErrorCode.InvalidFingerprint, "32 hex bytes");
        AssertFails(Parse(a => a.ReplaceAll(ChromeFingerprint, "ZZ" + ChromeFingerprint[2..])), SdpErrorCode.InvalidFingerprint, "32 hex bytes");
    }

    [Test]
    public void Fingerprint_that_differs_between_bundled_m_sections_is_an_error()
    {
        var result = Parse(a => a.InSection(7, s => s.ReplaceAll(ChromeFingerprint, "00" + ChromeFingerprint[2..])));

        AssertFails(result, SdpErrorCode.FingerprintsDiffer, "mid 0");
    }

    [TestCase("actpass", "not allowed in an answer")]
    [TestCase("passive", "refused")]
    [TestCase("holdconn", "must be active")]
    public void Setup_other_than_active_is_an_error(string setup, string expected)
    {
        var result = Parse(a => a.ReplaceAll("a=setup:active", "a=setup:" + setup));

        AssertFails(result, SdpErrorCode.InvalidSetup, expected);
        Assert.That(result.Errors.Count(e => e.Code == SdpErrorCode.InvalidSetup), Is.EqualTo(16));
    }

    [Test]
    public void Missing_setup_is_an_error()
    {
        AssertFails(Parse(a => a.RemoveLinesStartingWith("a=setup:")), SdpErrorCode.MissingSetup, "active");
    }

    [Test]
    public void Changed_mid_order_is_an_error()
    {
        var result = Parse(a => a.SwapSections(3, 4));

        AssertFails(result, SdpErrorCode.MidMismatch, "the offer has mid 3");
    }

    [Test]
    public void Duplicate_m_sections_are_an_error()
    {
        var result = Parse(a => a.DuplicateSection(5));

        AssertFails(result, SdpErrorCode.DuplicateMid, "mid 5");
        Assert.That(result.HasError(SdpErrorCode.SectionCountMismatch), Is.True);
    }

    [Test]
    public void Missing_m_section_is_an_error()
    {
        AssertFails(Parse(a => a.RemoveSection(15)), SdpErrorCode.SectionCountMismatch, "the offer has 16");
    }

    [Test]
    public void Unknown_payload_type_chosen_is_an_error()
    {
        var vp9 = Parse(a => a.InSection(6, s => s
            .ReplaceAll("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 98 96 97 102 103")
            .InsertAfter("a=rtcp-rsize", "a=rtpmap:98 VP9/90000")));
        var videoInAudio = Parse(a => a.InSection(3, s => s
            .ReplaceAll("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 9 UDP/TLS/RTP/SAVPF 111 96")
            .InsertAfter("a=rtcp-rsize", "a=rtpmap:96 VP8/90000")));

        AssertFails(vp9, SdpErrorCode.UnknownPayloadType, "98 was not offered");
        AssertFails(videoInAudio, SdpErrorCode.UnknownPayloadType, "96 was not offered");
    }

    [Test]
    public void Payload_type_with_another_meaning_is_an_error()
    {
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000"))), SdpErrorCode.PayloadTypeMismatch, "VP8/90000");
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000"))), SdpErrorCode.PayloadTypeMismatch, "opus/48000/2");
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("a=fmtp:97 apt=96", "a=fmtp:97 apt=102"))), SdpErrorCode.PayloadTypeMismatch, "apt=96");
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("packetization-mode=1", "packetization-mode=0"))), SdpErrorCode.PayloadTypeMismatch, "packetization-mode");
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("profile-level-id=42e01f", "profile-level-id=64001f"))), SdpErrorCode.PayloadTypeMismatch, "profile");
    }

    [Test]
    public void H264_with_another_level_of_the_same_profile_is_accepted()
    {
        var result = Parse(a => a.InSection(6, s => s.ReplaceAll("profile-level-id=42e01f", "profile-level-id=42E034")));

        Assert.That(result.Errors, Is.Empty);
    }

    [Test]
    public void Rtx_without_its_codec_and_a_section_without_any_codec_are_errors()
    {
        AssertFails(
            Parse(a => a.InSection(6, s => s.ReplaceAll("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 103")
                .RemoveLinesStartingWith("a=rtpmap:102 ", "a=rtcp-fb:102 ", "a=fmtp:102 "))),
            SdpErrorCode.RtxWithoutPrimary,
            "102");
        AssertFails(
            Parse(a => a.InSection(6, s => s.ReplaceAll("m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103", "m=video 9 UDP/TLS/RTP/SAVPF 97")
                .RemoveLinesStartingWith("a=rtpmap:96 ", "a=rtcp-fb:96 ", "a=rtpmap:102 ", "a=rtcp-fb:102 ", "a=fmtp:102 ", "a=rtpmap:103 ", "a=fmtp:103 "))),
            SdpErrorCode.NoCodec,
            "None of the offered codecs");
    }

    [Test]
    public void Attribute_for_a_payload_type_not_on_the_m_line_is_an_error()
    {
        var result = Parse(a => a.InSection(3, s => s.InsertAfter("a=rtcp-rsize", "a=rtpmap:112 telephone-event/48000")));

        AssertFails(result, SdpErrorCode.UnknownPayloadType, "not on the m= line");
    }

    [Test]
    public void Changed_extmap_id_is_an_error()
    {
        var result = Parse(a => a.InSection(6, s => s.ReplaceAll(
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid")));

        AssertFails(result, SdpErrorCode.ExtmapIdChanged, "offered with id 3 and answered with id 4");
    }

    [Test]
    public void Extmap_that_was_not_offered_is_an_error()
    {
        var result = Parse(a => a.InSection(6, s => s.InsertAfter(
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time")));

        AssertFails(result, SdpErrorCode.ExtmapNotOffered, "abs-send-time");
    }

    [Test]
    public void Oversize_answer_is_an_error()
    {
        var padding = string.Concat(Enumerable.Repeat("a=x-padding:0123456789012345678901234567890123456789\r\n", 1400));

        var result = SdpParser.ParseAnswer(SdpTestData.ChromeAnswer + padding, TypicalSession.Offer());

        AssertFails(result, SdpErrorCode.TooLarge, "at most 65536");
    }

    [Test]
    public void Binary_garbage_is_an_error()
    {
        var random = new XorShift(0xB1A5);
        var bytes = new byte[4000];
        random.Fill(bytes);
        var garbage = new string(bytes.Select(b => (char)b).ToArray());

        AssertFails(SdpParser.ParseAnswer(garbage, TypicalSession.Offer()), SdpErrorCode.InvalidCharacter, "not allowed");
        AssertFails(SdpParser.ParseAnswer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\0\r\n", TypicalSession.Offer()), SdpErrorCode.InvalidCharacter, "U+0000");
        AssertFails(Parse(a => a.ReplaceAll("s=-", "s=\u00e9")), SdpErrorCode.InvalidCharacter, "U+00E9");
        AssertFails(Parse(a => a.ReplaceAll("t=0 0\n", "t=0 0\r\r\n")), SdpErrorCode.InvalidCharacter, "carriage return");
    }

    [Test]
    public void Missing_ice_password_is_an_error()
    {
        AssertFails(Parse(a => a.RemoveLinesStartingWith("a=ice-pwd:")), SdpErrorCode.MissingIcePassword, "ice-pwd");
    }

    [TestCase("xzI", TestName = "Ice_ufrag_of_3_characters_is_an_error")]
    [TestCase("x_If", TestName = "Ice_ufrag_with_an_underscore_is_an_error")]
    [TestCase("xz If", TestName = "Ice_ufrag_with_a_space_is_an_error")]
    [TestCase("", TestName = "Empty_ice_ufrag_is_an_error")]
    public void Ice_ufrag_of_the_wrong_form_is_an_error(string ufrag)
    {
        AssertFails(Parse(a => a.ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:" + ufrag)), SdpErrorCode.InvalidIceUfrag, "4 to 256");
    }

    [Test]
    public void Ice_ufrag_of_257_characters_is_an_error()
    {
        AssertFails(Parse(a => a.ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:" + new string('u', 257))), SdpErrorCode.InvalidIceUfrag, "has 257 characters");
    }

    [Test]
    public void Ice_ufrag_of_4_and_of_256_characters_is_accepted()
    {
        Assert.That(Parse(a => a.ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:a+/9")).Errors, Is.Empty);
        Assert.That(Parse(a => a.ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:" + new string('u', 256))).Errors, Is.Empty);
    }

    [Test]
    public void Ice_password_of_21_characters_is_an_error_and_it_is_not_quoted()
    {
        var result = Parse(a => a.ReplaceAll("a=ice-pwd:eWFQSCYWNPfz517kRJWLpo1L", "a=ice-pwd:eWFQSCYWNPfz517kRJWLp"));

        AssertFails(result, SdpErrorCode.InvalidIcePassword, "22 to 256");
        Assert.That(result.Errors.Select(e => e.ToString()), Has.None.Contains("eWFQSCYW"));
    }

    [Test]
    public void Ice_credentials_that_differ_between_bundled_m_sections_are_an_error()
    {
        AssertFails(Parse(a => a.InSection(9, s => s.ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:abcd"))), SdpErrorCode.IceCredentialsDiffer, "mid 0");
    }

    [Test]
    public void Ice_credentials_and_fingerprint_at_session_level_apply_to_every_m_section()
    {
        var answer = Edit.Text(SdpTestData.ChromeAnswer)
            .RemoveLinesStartingWith("a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:")
            .InsertAfter("t=0 0", "a=ice-ufrag:xzIf", "a=ice-pwd:eWFQSCYWNPfz517kRJWLpo1L", "a=fingerprint:SHA-256 " + ChromeFingerprint.ToLowerInvariant())
            .ToString();

        var result = SdpParser.ParseAnswer(answer, TypicalSession.Offer());

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Answer!.Ice.Ufrag, Is.EqualTo("xzIf"));
        Assert.That(result.Answer.Fingerprint.Value, Is.EqualTo(ChromeFingerprint));
    }

    [Test]
    public void Incompatible_direction_is_an_error()
    {
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("a=recvonly", "a=sendonly"))), SdpErrorCode.IncompatibleDirection, "sendonly does not answer sendonly");
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("a=recvonly", "a=sendrecv"))), SdpErrorCode.IncompatibleDirection, "sendrecv");
        AssertFails(Parse(a => a.InSection(6, s => s.RemoveLinesStartingWith("a=recvonly"))), SdpErrorCode.IncompatibleDirection, "sendrecv");
    }

    [Test]
    public void Sending_section_without_ssrc_msid_cname_or_fid_is_an_error()
    {
        AssertFails(Parse(a => a.InSection(0, s => s.RemoveLinesStartingWith("a=ssrc:"))), SdpErrorCode.MissingSsrc, "no a=ssrc");
        AssertFails(Parse(a => a.InSection(1, s => s.RemoveLinesStartingWith("a=msid:"))), SdpErrorCode.MissingMsid, "no a=msid");
        AssertFails(Parse(a => a.InSection(1, s => s.RemoveLinesStartingWith("a=ssrc-group:"))), SdpErrorCode.MissingRtxSsrc, "FID");
        AssertFails(Parse(a => a.InSection(0, s => s.ReplaceAll("a=ssrc:547330645 cname:NOL4k3qnR5LK2M93", "a=ssrc:547330645 label:x"))), SdpErrorCode.MissingCname, "547330645");
    }

    [Test]
    public void Extra_ssrcs_simulcast_groups_and_a_wrong_fid_are_errors()
    {
        AssertFails(Parse(a => a.InSection(0, s => s.InsertAfter("a=ssrc:547330645 cname:NOL4k3qnR5LK2M93", "a=ssrc:1 cname:NOL4k3qnR5LK2M93"))), SdpErrorCode.InvalidSsrcGroup, "without an FID group");
        AssertFails(Parse(a => a.InSection(1, s => s.InsertAfter("a=ssrc-group:FID 2909942309 3903766166", "a=ssrc-group:SIM 2909942309 1 2"))), SdpErrorCode.InvalidSsrcGroup, "SIM");
        AssertFails(Parse(a => a.InSection(1, s => s.ReplaceAll("a=ssrc-group:FID 2909942309 3903766166", "a=ssrc-group:FID 2909942309 5"))), SdpErrorCode.InvalidSsrcGroup, "exactly the two SSRCs");
        AssertFails(Parse(a => a.InSection(1, s => s.ReplaceAll("a=ssrc-group:FID 2909942309 3903766166", "a=ssrc-group:FID 2909942309 4294967296"))), SdpErrorCode.InvalidSsrcGroup, "two different SSRCs");
    }

    [Test]
    public void Legacy_ssrc_msid_must_agree_with_a_msid()
    {
        var agreeing = Parse(a => a.InSection(0, s => s.InsertAfter(
            "a=ssrc:547330645 cname:NOL4k3qnR5LK2M93", $"a=ssrc:547330645 msid:{ChromeStream} 0fb949ec-1319-4b7e-a49a-83499af82a95")));
        var differing = Parse(a => a.InSection(0, s => s.InsertAfter(
            "a=ssrc:547330645 cname:NOL4k3qnR5LK2M93", $"a=ssrc:547330645 msid:{ChromeStream} other-track")));

        Assert.That(agreeing.Errors, Is.Empty);
        AssertFails(differing, SdpErrorCode.MsidMismatch, "differs");
    }

    [Test]
    public void Missing_or_extra_bundle_groups_are_errors()
    {
        const string Bundle = "a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15";
        AssertFails(Parse(a => a.RemoveLinesStartingWith("a=group:")), SdpErrorCode.MissingBundleGroup, "one transport");
        AssertFails(Parse(a => a.ReplaceAll(Bundle, "a=group:BUNDLE 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14")), SdpErrorCode.InvalidBundleGroup, "mid 15 is not in the BUNDLE group");
        AssertFails(Parse(a => a.ReplaceAll(Bundle, "a=group:BUNDLE 1 0 2 3 4 5 6 7 8 9 10 11 12 13 14 15")), SdpErrorCode.InvalidBundleGroup, "offerer's tag");
        AssertFails(Parse(a => a.ReplaceAll(Bundle, Bundle + " 16")), SdpErrorCode.InvalidBundleGroup, "mid 16");
        AssertFails(Parse(a => a.InsertAfter(Bundle, "a=group:BUNDLE 0")), SdpErrorCode.InvalidBundleGroup, "more than one");
        AssertFails(Parse(a => a.InsertAfter(Bundle, "a=group:LS 0 1")), SdpErrorCode.UnsupportedGroup, "LS");
    }

    [Test]
    public void Rejecting_the_bundle_tag_or_accepting_a_rejected_section_is_an_error()
    {
        var tagRejected = Parse(a => a.InSection(0, s => s.ReplaceAll("m=audio 9 ", "m=audio 0 ")));
        var accepted = SdpParser.ParseAnswer(
            Edit.Text(SdpTestData.ChromeAnswerRetired).InSection(13, s => s.ReplaceAll("m=video 0 ", "m=video 9 ")).ToString(),
            TypicalSession.RetiredOffer());

        AssertFails(tagRejected, SdpErrorCode.InvalidBundleGroup, "BUNDLE tag");
        AssertFails(accepted, SdpErrorCode.RejectedSectionAccepted, "port 0");
    }

    [Test]
    public void Attributes_that_were_not_offered_are_errors()
    {
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "a=ice-lite")), SdpErrorCode.UnexpectedAttribute, "full agent");
        AssertFails(Parse(a => a.InSection(1, s => s.InsertAfter("a=sendonly", "a=simulcast:send 0;1"))), SdpErrorCode.UnexpectedAttribute, "simulcast");
        AssertFails(
            SdpParser.ParseAnswer(SdpTestData.ChromeAnswer, TypicalSession.Offer() with { ExtmapAllowMixed = false }),
            SdpErrorCode.UnexpectedAttribute,
            "extmap-allow-mixed was not offered");
    }

    [Test]
    public void Missing_rtcp_mux_mid_or_connection_are_errors()
    {
        AssertFails(Parse(a => a.InSection(4, s => s.RemoveLinesStartingWith("a=rtcp-mux"))), SdpErrorCode.MissingRtcpMux, "rtcp-mux");
        AssertFails(Parse(a => a.InSection(4, s => s.RemoveLinesStartingWith("a=mid:"))), SdpErrorCode.MissingMid, "no a=mid");
        AssertFails(Parse(a => a.InSection(4, s => s.RemoveLinesStartingWith("c="))), SdpErrorCode.InvalidConnection, "no c= line");
        AssertFails(Parse(a => a.InSection(4, s => s.ReplaceAll("c=IN IP4 0.0.0.0", "c=IN IP5 0.0.0.0"))), SdpErrorCode.InvalidConnection, "IN IP4|IP6");
    }

    [Test]
    public void Wrong_media_kind_or_protocol_is_an_error()
    {
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("m=audio 9 ", "m=video 9 "))), SdpErrorCode.MediaKindMismatch, "m=audio");
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("UDP/TLS/RTP/SAVPF", "RTP/AVP"))), SdpErrorCode.UnsupportedProtocol, "UDP/TLS/RTP/SAVPF");
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("m=audio 9 ", "m=audio 9/2 "))), SdpErrorCode.InvalidMediaLine, "port");
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("SAVPF 111", "SAVPF 111 111"))), SdpErrorCode.InvalidMediaLine, "twice");
        AssertFails(Parse(a => a.InSection(3, s => s.ReplaceAll("SAVPF 111", "SAVPF  111"))), SdpErrorCode.InvalidMediaLine, "single spaces");
    }

    [Test]
    public void Broken_session_header_is_an_error()
    {
        AssertFails(Parse(a => a.ReplaceAll("v=0", "v=1")), SdpErrorCode.InvalidVersion, "v= must be 0");
        AssertFails(Parse(a => a.ReplaceAll("o=- 8897053410514932298 2 IN IP4 127.0.0.1", "o=- x 2 IN IP4 127.0.0.1")), SdpErrorCode.InvalidOrigin, "o=");
        AssertFails(Parse(a => a.ReplaceAll("o=- 8897053410514932298 2 IN", "o=- 18446744073709551616 2 IN")), SdpErrorCode.InvalidOrigin, "o=");
        AssertFails(Parse(a => a.RemoveLinesStartingWith("t=")), SdpErrorCode.InvalidTiming, "t=");
        AssertFails(Parse(a => a.RemoveLinesStartingWith("v=")), SdpErrorCode.MisplacedLine, "v=, o= and s=");
        AssertFails(Parse(a => a.InSection(2, s => s.InsertAfter("a=mid:2", "t=0 0"))), SdpErrorCode.MisplacedLine, "session part");
    }

    [Test]
    public void Unknown_line_types_empty_lines_and_malformed_lines_are_errors()
    {
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "x=1")), SdpErrorCode.UnknownLineType, "'x='");
        AssertFails(Parse(a => a.InsertAfter("t=0 0", string.Empty)), SdpErrorCode.EmptyLine, "Empty");
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "a =x")), SdpErrorCode.MalformedLine, "lowercase letter");
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "A=x")), SdpErrorCode.MalformedLine, "lowercase letter");
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "a=bad name")), SdpErrorCode.MalformedAttribute, "token");
    }

    [Test]
    public void Unknown_attributes_and_trickle_candidates_are_ignored()
    {
        var result = Parse(a => a
            .InsertAfter("t=0 0", "a=x-something-new:1")
            .InSection(5, s => s.InsertAfter("a=mid:5", "a=candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host generation 0")));

        Assert.That(result.Errors, Is.Empty);
    }

    [Test]
    public void Attributes_the_appliance_ignores_must_still_be_well_formed()
    {
        const string Candidate = "a=candidate:2967131543 1 udp 2122194687 127.0.0.1 45676 typ host generation 0 network-id 3 network-cost 50";
        Assert.That(Parse(a => a.InSection(0, s => s.InsertAfter("a=mid:0", Candidate, "a=end-of-candidates"))).Errors, Is.Empty);
        Assert.That(Parse(a => a.InSection(0, s => s.InsertAfter("a=mid:0", "a=candidate:1 1 udp 1 2001:db8::1 9 typ host tcptype active"))).Errors, Is.Empty);

        AssertFails(Parse(a => a.InSection(0, s => s.InsertAfter("a=mid:0", "a=candidate:1 1 udp 2122194687 127.0.0.1 45676 host"))), SdpErrorCode.MalformedAttribute, "RFC 8839");
        AssertFails(Parse(a => a.InSection(0, s => s.InsertAfter("a=mid:0", Candidate + " generation"))), SdpErrorCode.MalformedAttribute, "name-value pairs");
        AssertFails(Parse(a => a.InSection(0, s => s.InsertAfter("a=mid:0", "a=end-of-candidates:1"))), SdpErrorCode.MalformedAttribute, "takes no value");
        AssertFails(Parse(a => a.InSection(0, s => s.ReplaceAll("a=ice-options:trickle", "a=ice-options:trickle  renomination"))), SdpErrorCode.MalformedAttribute, "ice-options");
        AssertFails(Parse(a => a.InSection(0, s => s.ReplaceAll("a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp:9 IN"))), SdpErrorCode.MalformedAttribute, "a=rtcp");
        AssertFails(Parse(a => a.InSection(0, s => s.ReplaceAll("a=rtcp-mux", "a=rtcp-mux:yes"))), SdpErrorCode.MalformedAttribute, "takes no value");
        AssertFails(Parse(a => a.InSection(6, s => s.ReplaceAll("a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 ccm f[r"))), SdpErrorCode.MalformedAttribute, "a=rtcp-fb");
    }

    [Test]
    public void Attributes_in_the_wrong_part_are_errors()
    {
        AssertFails(Parse(a => a.InsertAfter("t=0 0", "a=rtpmap:111 opus/48000/2")), SdpErrorCode.UnexpectedAttribute, "belongs in an m-section");
        AssertFails(Parse(a => a.InSection(4, s => s.InsertAfter("a=mid:4", "a=group:BUNDLE 4"))), SdpErrorCode.UnexpectedAttribute, "belongs in the session part");
    }

    [Test]
    public void Duplicate_single_attributes_are_errors()
    {
        AssertFails(Parse(a => a.InSection(4, s => s.InsertAfter("a=mid:4", "a=mid:4"))), SdpErrorCode.DuplicateAttribute, "a=mid");
        AssertFails(Parse(a => a.InSection(4, s => s.InsertAfter("a=setup:active", "a=setup:active"))), SdpErrorCode.DuplicateAttribute, "a=setup");
        AssertFails(Parse(a => a.InSection(4, s => s.InsertAfter("a=recvonly", "a=inactive"))), SdpErrorCode.DuplicateAttribute, "direction");
        AssertFails(Parse(a => a.InSection(4, s => s.InsertAfter("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000/2"))), SdpErrorCode.DuplicateAttribute, "rtpmap");
    }

    [Test]
    public void Limits_on_size_lines_and_line_length_hold()
    {
        var longLine = "a=x-long:" + new string('a', SdpParser.MaxLineLength);
        var manyLines = string.Concat(Enumerable.Repeat("a=x\r\n", SdpParser.MaxLines));

        AssertFails(Parse(a => a.InsertAfter("t=0 0", longLine)), SdpErrorCode.LineTooLong, "at most 1024");
        AssertFails(SdpParser.ParseAnswer(SdpTestData.ChromeAnswer + manyLines, TypicalSession.Offer()), SdpErrorCode.TooManyLines, "at most 4096");
        AssertFails(SdpParser.ParseAnswer(string.Empty, TypicalSession.Offer()), SdpErrorCode.Empty, "empty");
        AssertFails(SdpParser.ParseAnswer(null, TypicalSession.Offer()), SdpErrorCode.Empty, "empty");
    }

    [Test]
    public void Errors_stop_at_the_limit_and_say_so()
    {
        var result = Parse(a => a.ReplaceAll("a=setup:active", "a=setup:passive").ReplaceAll("a=rtcp-mux", "a=x").ReplaceAll("a=extmap:3 ", "a=extmap:5 ")
            .ReplaceAll("a=extmap:1 ", "a=extmap:6 ").ReplaceAll("a=ice-ufrag:xzIf", "a=ice-ufrag:x"));

        Assert.That(result.Errors, Has.Count.EqualTo(SdpParser.MaxErrors + 1));
        Assert.That(result.Errors[^1].Code, Is.EqualTo(SdpErrorCode.TooManyErrors));
    }

    [Test]
    public void Error_names_the_line_and_the_mid()
    {
        var result = Parse(a => a.InSection(6, s => s.ReplaceAll("a=extmap:3 ", "a=extmap:4 ")));
        var error = result.Errors.Single();
        var line = SdpTestData.ChromeAnswer.Split("\r\n").Select((text, index) => (text, index))
            .Where(l => l.text.StartsWith("a=extmap:3 ", StringComparison.Ordinal)).ElementAt(6).index + 1;

        Assert.That((error.Line, error.Mid), Is.EqualTo(((int?)line, "6")));
        Assert.That(error.ToString(), Does.StartWith($"line {line} (mid 6): "));
    }

    private static SdpParseResult Parse(Func<Edit, Edit> change) =>
        SdpParser.ParseAnswer(change(Edit.Text(SdpTestData.ChromeAnswer)).ToString(), TypicalSession.Offer());

    private static void AssertFails(SdpParseResult result, SdpErrorCode code, string messagePart)
    {
        Assert.That(result.Succeeded, Is.False, "the answer was accepted");
        Assert.That(result.Answer, Is.Null);
        Assert.That(result.Errors.Where(e => e.Code == code).Select(e => e.Message), Has.Some.Contains(messagePart), string.Join("\n", result.Errors));
    }

    private static string Describe(SdpAnswerSection s) =>
        $"{s.Mid} {s.Kind} {s.Direction} {s.PayloadType} {s.RtxPayloadType} {s.Ssrc} {s.RtxSsrc} {s.StreamId} {s.TrackId}";
}
