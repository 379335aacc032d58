using System.Globalization;
using System.Net;
using System.Text;
using Appliance.LoadGen.Trace;

namespace Appliance.LoadGen.Sdp;

/// <summary>Who a generator endpoint is in SDP and what it sends.</summary>
internal sealed record LocalMedia(
    string Ufrag,
    string Password,
    string Fingerprint,
    IPEndPoint Candidate,
    uint? AudioSsrc,
    uint? VideoSsrc,
    uint? VideoRtxSsrc,
    string Cname,
    string StreamId);

/// <summary>
/// The generator's SDP: answers to an SFU's offer (ours for every participant, Janus's for subscribers) written the way
/// Chrome writes them (setup:active, one set of ICE credentials, offered codecs and extension ids kept), and the
/// publisher offer it sends to Janus. It always takes the DTLS client role, as browsers do against both SFUs.
/// </summary>
internal static class GeneratorSdp
{
    /// <summary>Payload types and extension ids both SFUs are offered: the appliance's fixed numbers (Sdp/README.md).</summary>
    public const int Opus = 111;

    public const int Vp8 = 96;

    public const int Vp8Rtx = 97;

    public const int AudioLevelExtension = 1;

    public const int MidExtension = 3;

    /// <summary>
    /// The answer to <paramref name="offer"/>. An offered receiving section (recvonly from the SFU's side) is answered
    /// sendonly with our SSRCs when <paramref name="sends"/> says we send that kind on it, else inactive; sections the
    /// SFU sends on are answered recvonly; rejected ones stay rejected.
    /// </summary>
    public static string Answer(SdpText offer, LocalMedia local, Func<SdpSection, StreamKind?> sends, ulong sessionId, ulong version, bool withCandidates)
    {
        var sdp = new StringBuilder();
        void Line(string line) => sdp.Append(line).Append("\r\n");

        Line("v=0");
        Line(FormattableString.Invariant($"o=- {sessionId} {version} IN IP4 127.0.0.1"));
        Line("s=-");
        Line("t=0 0");
        Line("a=group:BUNDLE " + string.Join(' ', offer.Sections.Where(s => !s.IsRejected).Select(s => s.Mid)));
        Line("a=msid-semantic: WMS " + local.StreamId);
        foreach (var section in offer.Sections)
        {
            Line($"m={section.Kind} {(section.IsRejected ? 0 : 9)} UDP/TLS/RTP/SAVPF {string.Join(' ', section.PayloadTypes)}");
            Line("c=IN IP4 0.0.0.0");
            if (section.IsRejected)
            {
                Line("a=mid:" + section.Mid);
                Line("a=inactive");
                continue;
            }

            Credentials(Line, local);
            Line("a=mid:" + section.Mid);
            foreach (var extmap in section.Extmaps())
            {
                Line("a=" + extmap);
            }

            var kind = section.Direction is "recvonly" or "sendrecv" ? sends(section) : null;
            var direction = section.Direction switch
            {
                "sendonly" => "recvonly",
                "recvonly" or "sendrecv" when kind is not null => "sendonly",
                _ => "inactive",
            };
            Line("a=" + direction);
            if (kind is not null)
            {
                Line($"a=msid:{local.StreamId} {local.StreamId}-{kind.Value.ToString().ToLowerInvariant()}");
            }

            Line("a=rtcp-mux");
            if (section.Attributes.Contains("rtcp-rsize"))
            {
                Line("a=rtcp-rsize");
            }

            foreach (var codec in section.CodecAttributes())
            {
                Line("a=" + codec);
            }

            if (kind == StreamKind.Audio && local.AudioSsrc is { } audio)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{audio} cname:{local.Cname}"));
            }
            else if (kind == StreamKind.Video && local.VideoSsrc is { } video)
            {
                Ssrcs(Line, video, local.VideoRtxSsrc, local.Cname);
            }

            // The appliance is ICE-lite and learns our address from our checks; Janus is given it as a browser would trickle it.
            if (withCandidates)
            {
                Candidate(Line, local.Candidate);
            }
        }

        return sdp.ToString();
    }

    /// <summary>The publisher offer for Janus: audio (mid 0) and, when it has a video SSRC, video (mid 1), sendonly, in one bundle.</summary>
    public static string PublisherOffer(LocalMedia local, ulong sessionId)
    {
        var sdp = new StringBuilder();
        void Line(string line) => sdp.Append(line).Append("\r\n");

        Line("v=0");
        Line(FormattableString.Invariant($"o=- {sessionId} 1 IN IP4 127.0.0.1"));
        Line("s=-");
        Line("t=0 0");
        Line(local.VideoSsrc is null ? "a=group:BUNDLE 0" : "a=group:BUNDLE 0 1");
        Line("a=msid-semantic: WMS " + local.StreamId);

        Line(FormattableString.Invariant($"m=audio 9 UDP/TLS/RTP/SAVPF {Opus}"));
        Line("c=IN IP4 0.0.0.0");
        Credentials(Line, local);
        Line("a=mid:0");
        Line(FormattableString.Invariant($"a=extmap:{AudioLevelExtension} urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
        Line(FormattableString.Invariant($"a=extmap:{MidExtension} urn:ietf:params:rtp-hdrext:sdes:mid"));
        Line("a=sendonly");
        Line($"a=msid:{local.StreamId} {local.StreamId}-audio");
        Line("a=rtcp-mux");
        Line(FormattableString.Invariant($"a=rtpmap:{Opus} opus/48000/2"));
        Line(FormattableString.Invariant($"a=fmtp:{Opus} minptime=10;useinbandfec=1"));
        Line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{local.AudioSsrc} cname:{local.Cname}"));
        Candidate(Line, local.Candidate);
        if (local.VideoSsrc is not { } videoSsrc)
        {
            return sdp.ToString();
        }

        Line(FormattableString.Invariant($"m=video 9 UDP/TLS/RTP/SAVPF {Vp8} {Vp8Rtx}"));
        Line("c=IN IP4 0.0.0.0");
        Credentials(Line, local);
        Line("a=mid:1");
        Line(FormattableString.Invariant($"a=extmap:{MidExtension} urn:ietf:params:rtp-hdrext:sdes:mid"));
        Line("a=sendonly");
        Line($"a=msid:{local.StreamId} {local.StreamId}-video");
        Line("a=rtcp-mux");
        Line("a=rtcp-rsize");
        Line(FormattableString.Invariant($"a=rtpmap:{Vp8} VP8/90000"));
        Line(FormattableString.Invariant($"a=rtcp-fb:{Vp8} ccm fir"));
        Line(FormattableString.Invariant($"a=rtcp-fb:{Vp8} nack"));
        Line(FormattableString.Invariant($"a=rtcp-fb:{Vp8} nack pli"));
        Line(FormattableString.Invariant($"a=rtpmap:{Vp8Rtx} rtx/90000"));
        Line(FormattableString.Invariant($"a=fmtp:{Vp8Rtx} apt={Vp8}"));
        Ssrcs(Line, videoSsrc, local.VideoRtxSsrc, local.Cname);
        Candidate(Line, local.Candidate);
        return sdp.ToString();
    }

    private static void Credentials(Action<string> line, LocalMedia local)
    {
        line("a=ice-ufrag:" + local.Ufrag);
        line("a=ice-pwd:" + local.Password);
        line("a=fingerprint:sha-256 " + local.Fingerprint);
        line("a=setup:active");
    }

    private static void Ssrcs(Action<string> line, uint media, uint? rtx, string cname)
    {
        if (rtx is { } retransmission)
        {
            line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc-group:FID {media} {retransmission}"));
        }

        line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{media} cname:{cname}"));
        if (rtx is { } rtxSsrc)
        {
            line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{rtxSsrc} cname:{cname}"));
        }
    }

    private static void Candidate(Action<string> line, IPEndPoint candidate)
    {
        // Host candidate priority of RFC 8445 §5.1.2.1 with type preference 126.
        line(string.Create(CultureInfo.InvariantCulture, $"a=candidate:1 1 udp 2130706431 {candidate.Address} {candidate.Port} typ host"));
        line("a=end-of-candidates");
    }
}
