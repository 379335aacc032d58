using System.Globalization;
using System.Net;

namespace Appliance.Media.Tests.Conference;

/// <summary>One m-section of an offer as its text says it, for the answerer and the assertions.</summary>
internal sealed record OfferSectionText(
    string Kind,
    int Port,
    string Mid,
    string Direction,
    IReadOnlyList<string> PayloadTypes,
    IReadOnlyList<string> Extmaps,
    IReadOnlyList<string> CodecLines,
    uint? Ssrc,
    uint? RtxSsrc,
    string? MsidStream,
    string? MsidTrack)
{
    public bool IsRejected => Port == 0;
}

/// <summary>
/// Reads the offer text ConferenceMedia sent, the way a browser would take what it needs from it: ICE credentials,
/// fingerprint, the candidate, and per m-section its mid, direction, codecs and announced SSRCs. Deliberately
/// independent of the production SDP code, so that the tests check the text the browser gets.
/// </summary>
internal sealed class OfferText
{
    private OfferText(string sdp, int revision) => (Sdp, Revision) = (sdp, revision);

    public string Sdp { get; }

    public int Revision { get; }

    public string Origin { get; private set; } = "";

    public string Ufrag { get; private set; } = "";

    public string Password { get; private set; } = "";

    public string Fingerprint { get; private set; } = "";

    public IPEndPoint? Candidate { get; private set; }

    public bool IceLite { get; private set; }

    public IReadOnlyList<string> Bundle { get; private set; } = [];

    public List<OfferSectionText> Sections { get; } = [];

    public OfferSectionText Section(string mid) => Sections.Single(s => s.Mid == mid);

    public static OfferText Parse(string sdp, int revision)
    {
        Assert.That(sdp, Does.EndWith("\r\n"), "SDP lines end with CRLF");
        var offer = new OfferText(sdp, revision);
        Builder? current = null;
        foreach (var line in sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    offer.Sections.Add(current.Build());
                }

                var parts = line[2..].Split(' ');
                current = new Builder(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), parts[3..]);
                continue;
            }

            offer.ReadAttribute(line, current);
        }

        if (current is not null)
        {
            offer.Sections.Add(current.Build());
        }

        return offer;
    }

    private void ReadAttribute(string line, Builder? section)
    {
        static string After(string line, string prefix) => line[prefix.Length..];

        if (line.StartsWith("o=", StringComparison.Ordinal))
        {
            Origin = line;
        }
        else if (line == "a=ice-lite")
        {
            IceLite = true;
        }
        else if (line.StartsWith("a=group:BUNDLE ", StringComparison.Ordinal))
        {
            Bundle = After(line, "a=group:BUNDLE ").Split(' ');
        }
        else if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal))
        {
            Ufrag = After(line, "a=ice-ufrag:");
        }
        else if (line.StartsWith("a=ice-pwd:", StringComparison.Ordinal))
        {
            Password = After(line, "a=ice-pwd:");
        }
        else if (line.StartsWith("a=fingerprint:sha-256 ", StringComparison.Ordinal))
        {
            Fingerprint = After(line, "a=fingerprint:sha-256 ");
        }
        else if (line.StartsWith("a=candidate:", StringComparison.Ordinal))
        {
            // foundation component udp priority address port typ host
            var parts = After(line, "a=candidate:").Split(' ');
            Candidate ??= new IPEndPoint(IPAddress.Parse(parts[4]), int.Parse(parts[5], CultureInfo.InvariantCulture));
        }
        else if (section is not null)
        {
            section.Read(line);
        }
    }

    private sealed class Builder(string kind, int port, string[] payloadTypes)
    {
        private readonly List<string> _extmaps = [];
        private readonly List<string> _codecLines = [];
        private string _mid = "";
        private string _direction = "sendrecv";
        private uint? _ssrc;
        private uint? _rtxSsrc;
        private string? _stream;
        private string? _track;

        public void Read(string line)
        {
            if (line.StartsWith("a=mid:", StringComparison.Ordinal))
            {
                _mid = line[6..];
            }
            else if (line is "a=sendonly" or "a=recvonly" or "a=inactive" or "a=sendrecv")
            {
                _direction = line[2..];
            }
            else if (line.StartsWith("a=extmap:", StringComparison.Ordinal))
            {
                _extmaps.Add(line);
            }
            else if (line.StartsWith("a=rtpmap:", StringComparison.Ordinal) || line.StartsWith("a=fmtp:", StringComparison.Ordinal)
                     || line.StartsWith("a=rtcp-fb:", StringComparison.Ordinal))
            {
                _codecLines.Add(line);
            }
            else if (line.StartsWith("a=ssrc-group:FID ", StringComparison.Ordinal))
            {
                var parts = line["a=ssrc-group:FID ".Length..].Split(' ');
                _ssrc = uint.Parse(parts[0], CultureInfo.InvariantCulture);
                _rtxSsrc = uint.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("a=ssrc:", StringComparison.Ordinal))
            {
                _ssrc ??= uint.Parse(line[7..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("a=msid:", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                (_stream, _track) = (parts[0], parts[1]);
            }
        }

        public OfferSectionText Build() =>
            new(kind, port, _mid, _direction, payloadTypes, _extmaps, _codecLines, _ssrc, _rtxSsrc, _stream, _track);
    }
}
