using System.Globalization;
using System.Text;

namespace Appliance.Media.Sdp;

/// <summary>
/// Writes our offer in the shape Chrome's unified-plan SDP parser expects (JSEP, RFC 9429 §5.2): one
/// BUNDLE group over all m-sections that are not rejected (RFC 8843), ICE-lite with full candidates and
/// end-of-candidates (RFC 8445 §2.5, RFC 8840), DTLS role actpass so the browser becomes the DTLS client
/// (RFC 5763, RFC 8842), rtcp-mux and reduced-size RTCP (RFC 5761, RFC 5506).
/// </summary>
public static class SdpWriter
{
    /// <summary>The transport protocol of every m-section (RFC 5764 §8, JSEP §5.1.2).</summary>
    public const string Protocol = "UDP/TLS/RTP/SAVPF";

    /// <summary>The m= port of a live m-section: 9 (discard) as JSEP §5.2.1 writes it; ICE uses the candidates.</summary>
    public const int PlaceholderPort = 9;

    /// <summary>Writes the offer, with CRLF after every line (RFC 8866 §5).</summary>
    /// <exception cref="ArgumentException">The offer breaks a rule of <see cref="SessionOffer.Validate"/>.</exception>
    public static string WriteOffer(SessionOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var problems = offer.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The offer cannot be written: " + string.Join(" ", problems), nameof(offer));
        }

        var sdp = new SdpText();
        sdp.Line($"v=0");
        sdp.Line($"o=- {offer.SessionId} {offer.Version} IN IP4 127.0.0.1");
        sdp.Line($"s=-");
        sdp.Line($"t=0 0");
        sdp.Line($"a=group:BUNDLE {string.Join(' ', offer.BundleMids)}");
        sdp.Line($"a=ice-lite");
        if (offer.ExtmapAllowMixed)
        {
            sdp.Line($"a=extmap-allow-mixed");
        }

        sdp.Line($"a=msid-semantic: WMS *");
        foreach (var section in offer.Sections)
        {
            WriteSection(sdp, offer, section);
        }

        return sdp.ToString();
    }

    private static void WriteSection(SdpText sdp, SessionOffer offer, SdpOfferSection section)
    {
        var kind = section.Kind == SdpMediaKind.Audio ? "audio" : "video";
        var payloadTypes = string.Join(' ', section.Codecs.SelectMany(PayloadTypesOf));

        // A rejected m-section keeps its transport and codec lines, as Chrome writes a stopped transceiver,
        // but has port 0, no extensions, no source and no candidates (RFC 3264 §8.2, JSEP §5.2.2).
        sdp.Line($"m={kind} {(section.IsRejected ? 0 : PlaceholderPort)} {Protocol} {payloadTypes}");
        sdp.Line($"c=IN IP4 0.0.0.0");
        sdp.Line($"a=rtcp:9 IN IP4 0.0.0.0");
        sdp.Line($"a=ice-ufrag:{offer.Ice.Ufrag}");
        sdp.Line($"a=ice-pwd:{offer.Ice.Password}");
        sdp.Line($"a=fingerprint:{SdpFingerprint.HashFunction} {offer.Fingerprint.Value}");
        sdp.Line($"a=setup:actpass");
        sdp.Line($"a=mid:{section.Mid}");
        if (!section.IsRejected)
        {
            foreach (var extension in section.HeaderExtensions)
            {
                sdp.Line($"a=extmap:{extension.Id} {extension.Uri}");
            }
        }

        sdp.Line($"a={section.Direction.ToAttribute()}");
        if (section.Source is { } source)
        {
            sdp.Line($"a=msid:{source.StreamId} {source.TrackId}");
        }

        sdp.Line($"a=rtcp-mux");
        sdp.Line($"a=rtcp-rsize");
        foreach (var codec in section.Codecs)
        {
            WriteCodec(sdp, codec);
        }

        if (section.Source is { } sending)
        {
            WriteSource(sdp, sending);
        }

        if (!section.IsRejected)
        {
            foreach (var candidate in offer.Candidates)
            {
                sdp.Line($"a=candidate:{candidate.ToAttributeValue()}");
            }

            sdp.Line($"a=end-of-candidates");
        }
    }

    private static IEnumerable<int> PayloadTypesOf(SdpCodec codec) =>
        codec.RtxPayloadType is { } rtx ? [codec.PayloadType, rtx] : [codec.PayloadType];

    private static void WriteCodec(SdpText sdp, SdpCodec codec)
    {
        sdp.Line($"a=rtpmap:{codec.PayloadType} {codec.RtpMap}");
        foreach (var feedback in codec.Feedback)
        {
            sdp.Line($"a=rtcp-fb:{codec.PayloadType} {feedback}");
        }

        if (codec.FormatParameters is { } parameters)
        {
            sdp.Line($"a=fmtp:{codec.PayloadType} {parameters}");
        }

        if (codec.RtxPayloadType is { } rtx)
        {
            sdp.Line($"a=rtpmap:{rtx} {SdpCodec.Rtx}/{codec.ClockRate}");
            sdp.Line($"a=fmtp:{rtx} apt={codec.PayloadType}");
        }
    }

    private static void WriteSource(SdpText sdp, SdpSendingSource source)
    {
        // Chrome demultiplexes by MID first and signalled SSRC second; both are given.
        var msid = $"{source.StreamId} {source.TrackId}";
        if (source.RtxSsrc is { } rtxSsrc)
        {
            sdp.Line($"a=ssrc-group:FID {source.Ssrc} {rtxSsrc}");
        }

        sdp.Line($"a=ssrc:{source.Ssrc} cname:{source.Cname}");
        sdp.Line($"a=ssrc:{source.Ssrc} msid:{msid}");
        if (source.RtxSsrc is { } rtx)
        {
            sdp.Line($"a=ssrc:{rtx} cname:{source.Cname}");
            sdp.Line($"a=ssrc:{rtx} msid:{msid}");
        }
    }

    /// <summary>Lines with CRLF, formatted with the invariant culture whatever the host's culture is.</summary>
    private sealed class SdpText
    {
        private readonly StringBuilder _text = new(8192);

        public void Line(FormattableString line) =>
            _text.Append(line.ToString(CultureInfo.InvariantCulture)).Append("\r\n");

        public override string ToString() => _text.ToString();
    }
}
