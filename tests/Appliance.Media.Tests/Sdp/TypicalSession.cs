using System.Net;
using Appliance.Media.Ice;
using Appliance.Media.Sdp;

namespace Appliance.Media.Tests.Sdp;

/// <summary>
/// The offer of the golden test: a participant who publishes microphone, camera and screen, and
/// receives the three loudest speakers, nine video slots and one shared screen.
/// </summary>
internal static class TypicalSession
{
    public const ulong SessionId = 4611731400430051336;
    public const string Ufrag = "Ap1iAnCe";
    public const string Password = "q7sV0xYk2mBn4RtW9zLc6PdE";
    public const string Fingerprint =
        "3A:5C:9E:01:B2:7F:44:D8:6B:E0:19:C3:A5:72:0D:8E:F1:26:4B:93:C7:58:AE:12:6F:D0:3B:84:E9:27:5A:C1";

    public const string Cname = "appliance";

    public static IReadOnlyList<SdpCandidate> Candidates { get; } =
    [
        new SdpCandidate("1", IPAddress.Parse("192.0.2.10"), 40000),
        new SdpCandidate("2", IPAddress.Parse("2001:db8::10"), 40000, 65534),
    ];

    /// <summary>mid 0 microphone, 1 camera, 2 screen (received); 3 to 5 speaker slots, 6 to 14 video slots,
    /// 15 the shared screen (sent).</summary>
    public static SessionOffer Offer()
    {
        var sections = new List<SdpOfferSection>
        {
            SdpOfferSection.Receive("0", SdpMediaKind.Audio),
            SdpOfferSection.Receive("1", SdpMediaKind.Video),
            SdpOfferSection.Receive("2", SdpMediaKind.Video),
        };

        for (var slot = 0; slot < 3; slot++)
        {
            sections.Add(SdpOfferSection.Send(
                (3 + slot).ToString(System.Globalization.CultureInfo.InvariantCulture),
                SdpMediaKind.Audio,
                new SdpSendingSource(AudioSsrc(slot), null, Cname, $"speaker-{slot}", $"speaker-{slot}-audio")));
        }

        for (var slot = 0; slot < 9; slot++)
        {
            sections.Add(SdpOfferSection.Send(
                (6 + slot).ToString(System.Globalization.CultureInfo.InvariantCulture),
                SdpMediaKind.Video,
                new SdpSendingSource(VideoSsrc(slot), VideoSsrc(slot) + 1, Cname, $"tile-{slot}", $"tile-{slot}-video")));
        }

        sections.Add(SdpOfferSection.Send(
            "15",
            SdpMediaKind.Video,
            new SdpSendingSource(0x5C000001, 0x5C000002, Cname, "screen", "screen-video")));

        return new SessionOffer
        {
            SessionId = SessionId,
            Version = 2,
            Ice = new IceCredentials(Ufrag, Password),
            Fingerprint = SdpFingerprint.Parse(Fingerprint),
            Candidates = Candidates,
            Sections = sections,
        };
    }

    /// <summary>The next offer: version 3, mid 13 rejected (port 0), mid 14 retired (inactive).</summary>
    public static SessionOffer RetiredOffer()
    {
        var offer = Offer();
        var sections = offer.Sections.ToList();
        sections[13] = sections[13].Reject();
        sections[14] = sections[14].Retire();
        return offer.Next(sections);
    }

    public static uint AudioSsrc(int slot) => 0x0A000001u + (uint)slot;

    public static uint VideoSsrc(int slot) => 0x1B000001u + ((uint)slot * 2);
}
