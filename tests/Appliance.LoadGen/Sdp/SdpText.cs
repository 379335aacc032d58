using System.Globalization;
using System.Net;

namespace Appliance.LoadGen.Sdp;

/// <summary>One m-section of an SDP text as the generator needs it: kind, port, payload types, mid, direction, lines.</summary>
internal sealed class SdpSection
{
    public required string Kind { get; init; }

    public required int Port { get; init; }

    public required IReadOnlyList<string> PayloadTypes { get; init; }

    public List<string> Attributes { get; } = [];

    public string Mid => Value("mid") ?? "";

    public bool IsRejected => Port == 0;

    /// <summary>sendonly, recvonly, sendrecv or inactive, from the writer's side.</summary>
    public string Direction =>
        Attributes.FirstOrDefault(a => a is "sendonly" or "recvonly" or "sendrecv" or "inactive") ?? "sendrecv";

    /// <summary>The SSRCs announced with a=ssrc (first of each FID group first).</summary>
    public IReadOnlyList<uint> Ssrcs =>
        Attributes.Where(a => a.StartsWith("ssrc:", StringComparison.Ordinal))
            .Select(a => uint.Parse(a[5..a.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();

    /// <summary>The value of the first a=<paramref name="name"/>: attribute, or null.</summary>
    public string? Value(string name)
    {
        var prefix = name + ":";
        var line = Attributes.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..];
    }

    /// <summary>The rtpmap, fmtp and rtcp-fb lines of the section's payload types, as they were.</summary>
    public IEnumerable<string> CodecAttributes() =>
        Attributes.Where(a => a.StartsWith("rtpmap:", StringComparison.Ordinal) || a.StartsWith("fmtp:", StringComparison.Ordinal)
                              || a.StartsWith("rtcp-fb:", StringComparison.Ordinal));

    public IEnumerable<string> Extmaps() => Attributes.Where(a => a.StartsWith("extmap:", StringComparison.Ordinal));
}

/// <summary>
/// A small reader of SDP offers and answers from both SFUs: enough to answer them and to find the ICE credentials,
/// the DTLS fingerprint and the UDP host candidate. It trusts its input (it comes from the SFU under test).
/// </summary>
internal sealed class SdpText
{
    private SdpText(List<string> session, List<SdpSection> sections)
    {
        Session = session;
        Sections = sections;
    }

    public IReadOnlyList<string> Session { get; }

    public IReadOnlyList<SdpSection> Sections { get; }

    public string IceUfrag => Attribute("ice-ufrag") ?? throw new FormatException("The SDP has no a=ice-ufrag.");

    public string IcePassword => Attribute("ice-pwd") ?? throw new FormatException("The SDP has no a=ice-pwd.");

    /// <summary>The sha-256 fingerprint without the algorithm name.</summary>
    public string Fingerprint
    {
        get
        {
            var value = Attribute("fingerprint") ?? throw new FormatException("The SDP has no a=fingerprint.");
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return value[..space].Equals("sha-256", StringComparison.OrdinalIgnoreCase)
                ? value[(space + 1)..].Trim()
                : throw new FormatException("The SDP's fingerprint is not sha-256.");
        }
    }

    public static SdpText Parse(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var session = new List<string>();
        var sections = new List<SdpSection>();
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                sections.Add(new SdpSection
                {
                    Kind = parts[0],
                    Port = int.Parse(parts[1], CultureInfo.InvariantCulture),
                    PayloadTypes = parts[3..],
                });
            }
            else if (line.StartsWith("a=", StringComparison.Ordinal))
            {
                if (sections.Count == 0)
                {
                    session.Add(line[2..]);
                }
                else
                {
                    sections[^1].Attributes.Add(line[2..]);
                }
            }
        }

        return new SdpText(session, sections);
    }

    /// <summary>
    /// The IPv4 UDP host candidate to check: one on loopback if there is one, else one on an address of this machine.
    /// Janus never offers loopback (it skips loopback interfaces when it gathers); its candidates are the machine's own
    /// addresses, which the kernel delivers locally too, so the benchmark still never leaves the machine.
    /// </summary>
    public IPEndPoint HostCandidate()
    {
        var candidates = new List<IPEndPoint>();
        foreach (var section in Sections.Where(s => !s.IsRejected))
        {
            foreach (var attribute in section.Attributes.Where(a => a.StartsWith("candidate:", StringComparison.Ordinal)))
            {
                // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
                var parts = attribute.Split(' ');
                if (parts.Length >= 8 && parts[1] == "1" && parts[2].Equals("udp", StringComparison.OrdinalIgnoreCase) && parts[7] == "host"
                    && IPAddress.TryParse(parts[4], out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    candidates.Add(new IPEndPoint(address, int.Parse(parts[5], CultureInfo.InvariantCulture)));
                }
            }
        }

        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .ToHashSet();
        return candidates.FirstOrDefault(c => IPAddress.IsLoopback(c.Address))
            ?? candidates.FirstOrDefault(c => own.Contains(c.Address))
            ?? throw new FormatException("The SDP has no IPv4 UDP host candidate on this machine: " + string.Join(" | ", candidates));
    }

    private string? Attribute(string name) =>
        Session.Concat(Sections.Where(s => !s.IsRejected).SelectMany(s => s.Attributes))
            .FirstOrDefault(a => a.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
            ? line[(name.Length + 1)..]
            : null;
}
