using Appliance.Media.Transport;

namespace Appliance.Media.Conference;

/// <summary>A point-in-time copy of what <see cref="ConferenceMedia"/> counts, for /metrics.</summary>
public sealed record ConferenceMediaCounters
{
    /// <summary>The media server's counters (every peer's plus unknown addresses).</summary>
    public required MediaCounterSnapshot Server { get; init; }

    /// <summary>Sessions joined and not yet ended, per conference id.</summary>
    public required IReadOnlyDictionary<string, int> ParticipantsByConference { get; init; }

    /// <summary>Sessions joined and not yet ended, in all conferences.</summary>
    public int Sessions => ParticipantsByConference.Values.Sum();

    /// <summary>Offers sent to browsers, first ones and renegotiations.</summary>
    public required long OffersSent { get; init; }

    /// <summary>Answers accepted.</summary>
    public required long AnswersAccepted { get; init; }

    /// <summary>Answers refused (stale, invalid, wrong fingerprint, ...).</summary>
    public required long AnswersRefused { get; init; }

    /// <summary>Sessions closed because the router refused what their answer publishes.</summary>
    public required long PublicationsRefused { get; init; }

    /// <summary>Ticks the media thread has run.</summary>
    public required long Ticks { get; init; }

    /// <summary>
    /// Bytes the receive thread has allocated since it started, as of the last tick. It grows with joins, answers
    /// and layout changes, and must stand still while media only flows (DESIGN.md: no allocation per packet).
    /// </summary>
    public required long ReceiveThreadAllocatedBytes { get; init; }
}
