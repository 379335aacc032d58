using System.Globalization;
using System.Text;

namespace Appliance.Media.Tests.Conference;

/// <summary>What the answering browser sends and who it is.</summary>
internal sealed record AnswerSource(
    string Ufrag,
    string Password,
    string Fingerprint,
    uint AudioSsrc,
    uint VideoSsrc,
    uint VideoRtxSsrc,
    uint? ScreenSsrc,
    uint? ScreenRtxSsrc,
    string Cname,
    string StreamId);

/// <summary>
/// Turns our offer into the answer Chromium 156 gives to it (modelled line by line on the real answers in
/// Sdp/TestData): setup:active, the browser's ICE credentials and fingerprint repeated in every m-section,
/// ice-options:trickle, every offered payload type and extension id kept; the microphone and camera sections (and
/// the screen while sharing) sendonly with a=msid, ssrc-group FID and a=ssrc cname; slot sections recvonly;
/// retired ones inactive; rejected ones port 0, inactive and outside BUNDLE.
/// </summary>
internal static class ChromeAnswer
{
    public static string Write(OfferText offer, AnswerSource browser, ulong sessionId, ulong version)
    {
        var sdp = new StringBuilder();
        void Line(string line) => sdp.Append(line).Append("\r\n");

        Line("v=0");
        Line(FormattableString.Invariant($"o=- {sessionId} {version} IN IP4 127.0.0.1"));
        Line("s=-");
        Line("t=0 0");
        Line("a=group:BUNDLE " + string.Join(' ', offer.Sections.Where(s => !s.IsRejected).Select(s => s.Mid)));
        Line("a=extmap-allow-mixed");
        Line("a=msid-semantic: WMS " + browser.StreamId);
        foreach (var section in offer.Sections)
        {
            var (direction, ssrc, rtx, track) = Sending(section, browser);
            Line($"m={section.Kind} {(section.IsRejected ? 0 : 9)} UDP/TLS/RTP/SAVPF {string.Join(' ', section.PayloadTypes)}");
            Line("c=IN IP4 0.0.0.0");
            Line("a=rtcp:9 IN IP4 0.0.0.0");
            Line("a=ice-ufrag:" + browser.Ufrag);
            Line("a=ice-pwd:" + browser.Password);
            Line("a=ice-options:trickle");
            Line("a=fingerprint:sha-256 " + browser.Fingerprint);
            Line("a=setup:active");
            Line("a=mid:" + section.Mid);
            if (!section.IsRejected)
            {
                section.Extmaps.ToList().ForEach(Line);
            }

            Line("a=" + direction);
            if (ssrc is not null)
            {
                Line($"a=msid:{browser.StreamId} {track}");
            }

            Line("a=rtcp-mux");
            Line("a=rtcp-rsize");
            section.CodecLines.ToList().ForEach(Line);
            if (ssrc is { } media)
            {
                if (rtx is { } retransmission)
                {
                    Line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc-group:FID {media} {retransmission}"));
                }

                Line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{media} cname:{browser.Cname}"));
                if (rtx is { } rtxSsrc)
                {
                    Line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{rtxSsrc} cname:{browser.Cname}"));
                }
            }
        }

        return sdp.ToString();
    }

    private static (string Direction, uint? Ssrc, uint? Rtx, string? Track) Sending(OfferSectionText section, AnswerSource browser)
    {
        if (section.IsRejected || section.Direction == "inactive")
        {
            return ("inactive", null, null, null);
        }

        if (section.Direction == "sendonly")
        {
            return ("recvonly", null, null, null);
        }

        Assert.That(section.Direction, Is.EqualTo("recvonly"), $"mid {section.Mid}");
        return section.Mid switch
        {
            "0" => ("sendonly", browser.AudioSsrc, null, "microphone"),
            "1" => ("sendonly", browser.VideoSsrc, browser.VideoRtxSsrc, "camera"),
            "2" when browser.ScreenSsrc is { } screen => ("sendonly", screen, browser.ScreenRtxSsrc, "screen"),
            _ => ("inactive", null, null, null),
        };
    }
}
