using System.Security.Cryptography;
using Appliance.Media.Ice;

namespace Appliance.Media.Sdp;

/// <summary>
/// Everything the appliance puts into an offer to one browser (JSEP, RFC 9429): the session identity,
/// its ICE-lite credentials and host candidates, the DTLS fingerprint, and the m-sections in order.
/// The appliance drives negotiation (DESIGN.md, Signalling), so every change of subscriptions is a new
/// offer: <see cref="Next"/> keeps the session id and increments the version.
/// </summary>
/// <remarks>
/// All m-sections share one transport (BUNDLE, RFC 8843): the same ICE credentials, fingerprint and
/// candidates. The first m-section carries the BUNDLE tag and must therefore never be rejected; retire it
/// (inactive) instead.
/// </remarks>
public sealed record SessionOffer
{
    /// <summary>The o= session id: 1 to 2^63 − 1 (JSEP §5.2.1), the same in every offer of the session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The o= session version: incremented by one for each new offer (JSEP §5.2.2).</summary>
    public required ulong Version { get; init; }

    /// <summary>Our ICE credentials for this browser.</summary>
    public required IceCredentials Ice { get; init; }

    /// <summary>The SHA-256 fingerprint of our DTLS certificate.</summary>
    public required SdpFingerprint Fingerprint { get; init; }

    /// <summary>Our host candidates; at least one.</summary>
    public required IReadOnlyList<SdpCandidate> Candidates { get; init; }

    /// <summary>The m-sections in order.</summary>
    public required IReadOnlyList<SdpOfferSection> Sections { get; init; }

    /// <summary>
    /// Whether to offer a=extmap-allow-mixed (RFC 8285 §6), which lets the browser send one-byte and two-byte
    /// header extensions in one session. Chrome offers and accepts it by default; our RTP reader handles both.
    /// </summary>
    public bool ExtmapAllowMixed { get; init; } = true;

    /// <summary>The mids of the m-sections that are not rejected, in order: the a=group:BUNDLE list.
    /// The first is the BUNDLE tag.</summary>
    public IReadOnlyList<string> BundleMids => Sections.Where(s => !s.IsRejected).Select(s => s.Mid).ToArray();

    /// <summary>A random session id from the operating system's CSPRNG, 1 to 2^63 − 1.</summary>
    public static ulong NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var id = BitConverter.ToUInt64(bytes) >> 1;
            if (id != 0)
            {
                return id;
            }
        }
    }

    /// <summary>The m-section with this mid, or null.</summary>
    public SdpOfferSection? FindSection(string mid) => Sections.FirstOrDefault(s => s.Mid == mid);

    /// <summary>The next offer of this session: same session id, version + 1, these m-sections.</summary>
    public SessionOffer Next(IReadOnlyList<SdpOfferSection> sections) =>
        this with { Version = Version + 1, Sections = sections };

    /// <summary>Every way this offer breaks the rules of <see cref="SdpWriter"/>; empty when it is fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (SessionId is 0 or > long.MaxValue)
        {
            problems.Add("The session id must be 1 to 2^63 - 1.");
        }

        if (Version > long.MaxValue)
        {
            problems.Add("The session version must be at most 2^63 - 1.");
        }

        if (Ice is null || Fingerprint is null)
        {
            problems.Add("ICE credentials and fingerprint are required.");
        }

        if (Candidates is null || Candidates.Count == 0 || Candidates.Any(c => c is null))
        {
            problems.Add("At least one candidate is required: an ICE-lite agent is reached only at its candidates.");
        }

        if (Sections is null || Sections.Count == 0)
        {
            problems.Add("At least one m-section is required.");
            return problems;
        }

        var mids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in Sections)
        {
            if (section is null)
            {
                problems.Add("An m-section is null.");
                continue;
            }

            problems.AddRange(section.Validate());
            if (!mids.Add(section.Mid))
            {
                problems.Add($"The mid '{section.Mid}' is used twice.");
            }
        }

        if (Sections[0] is { IsRejected: true })
        {
            problems.Add("The first m-section carries the BUNDLE tag and cannot be rejected; retire it instead.");
        }

        return problems;
    }

    /// <summary>
    /// Every way this offer breaks the rules for a subsequent offer after <paramref name="previous"/>
    /// (JSEP §5.2.2, RFC 8843 §7.5): same session id; version one higher; every earlier m-section still
    /// there at its position; an m-section that was not rejected keeps its mid and kind; a rejected one
    /// may be recycled under a mid that <paramref name="previous"/> did not use; new m-sections use new
    /// mids; a new fingerprint only together with new ICE credentials (an ICE restart).
    /// </summary>
    /// <remarks>Only <paramref name="previous"/> is known here: a mid used by an offer before it is not
    /// detected, so the caller keeps mids unique for the whole session (e.g. by counting up).</remarks>
    public IReadOnlyList<string> ValidateAsSuccessorOf(SessionOffer previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var problems = new List<string>();
        if (SessionId != previous.SessionId)
        {
            problems.Add("The session id must stay the same for the whole session.");
        }

        if (Version != previous.Version + 1)
        {
            problems.Add($"The version must be {previous.Version + 1}, one more than the previous offer's.");
        }

        if (!Fingerprint.Equals(previous.Fingerprint)
            && Ice.Ufrag == previous.Ice.Ufrag && Ice.Password == previous.Ice.Password)
        {
            problems.Add("A new fingerprint needs new ICE credentials (an ICE restart).");
        }

        if (Sections.Count < previous.Sections.Count)
        {
            problems.Add($"m-sections are never removed: {previous.Sections.Count} before, {Sections.Count} now.");
        }

        var previousMids = previous.Sections.Select(s => s.Mid).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < Sections.Count; i++)
        {
            var section = Sections[i];
            if (i >= previous.Sections.Count)
            {
                if (previousMids.Contains(section.Mid))
                {
                    problems.Add($"New m-section {i} reuses the mid '{section.Mid}'.");
                }

                continue;
            }

            var before = previous.Sections[i];
            if (section.Mid == before.Mid)
            {
                if (section.Kind != before.Kind)
                {
                    problems.Add($"m-section {i} (mid {section.Mid}) changed its media kind.");
                }

                if (before.IsRejected && !section.IsRejected)
                {
                    problems.Add($"m-section {i} was rejected; it comes back only under a new mid.");
                }
            }
            else if (!before.IsRejected)
            {
                problems.Add($"m-section {i} changed its mid from '{before.Mid}' to '{section.Mid}' without being rejected first.");
            }
            else if (previousMids.Contains(section.Mid))
            {
                problems.Add($"m-section {i} is recycled under the mid '{section.Mid}', which is already in use.");
            }
        }

        return problems;
    }
}
