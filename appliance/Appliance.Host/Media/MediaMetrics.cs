using System.Text;
using Appliance.Media.Conference;
using Appliance.Media.Transport;
using Prometheus;

namespace Appliance.Host.Media;

/// <summary>The media plane's counters as Prometheus series, read from <see cref="ConferenceMedia.GetCounters"/> at each scrape.</summary>
internal static class MediaMetrics
{
    private static readonly Gauge Sessions = Metrics.CreateGauge("appliance_media_sessions", "Media sessions (browsers with audio and video) open now.");
    private static readonly Gauge Conferences = Metrics.CreateGauge("appliance_media_conferences", "Meetings with at least one media session.");
    private static readonly Counter Offers = Metrics.CreateCounter("appliance_media_offers_sent_total", "SDP offers sent to browsers.");
    private static readonly Counter Answers = Metrics.CreateCounter("appliance_media_answers_total", "SDP answers from browsers by outcome.", "outcome");
    private static readonly Counter PublicationsRefused = Metrics.CreateCounter("appliance_media_publications_refused_total", "Media sessions closed because what they publish was refused.");
    private static readonly Gauge ReceiveThreadAllocated = Metrics.CreateGauge("appliance_media_receive_thread_allocated_bytes", "Bytes the media receive thread has allocated since it started.");
    private static readonly Counter Events = Metrics.CreateCounter("appliance_media_server_events_total", "What the media server counts (datagrams, packets, handshakes, drops), by counter.", "counter");

    // prometheus-net's registry is process-wide: the callback reads the newest live media plane (one in production).
    private static readonly List<ConferenceMedia> Live = [];

    static MediaMetrics() => Metrics.DefaultRegistry.AddBeforeCollectCallback(Collect);

    public static void Watch(ConferenceMedia media)
    {
        lock (Live)
        {
            Live.Add(media);
        }
    }

    public static void Forget(ConferenceMedia media)
    {
        lock (Live)
        {
            Live.Remove(media);
        }
    }

    private static void Collect()
    {
        ConferenceMedia? media;
        lock (Live)
        {
            media = Live.Count > 0 ? Live[^1] : null;
        }

        if (media is null)
        {
            return;
        }

        ConferenceMediaCounters counters;
        try
        {
            counters = media.GetCounters();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        Sessions.Set(counters.Sessions);
        Conferences.Set(counters.ParticipantsByConference.Count);
        Offers.IncTo(counters.OffersSent);
        Answers.WithLabels("accepted").IncTo(counters.AnswersAccepted);
        Answers.WithLabels("refused").IncTo(counters.AnswersRefused);
        PublicationsRefused.IncTo(counters.PublicationsRefused);
        ReceiveThreadAllocated.Set(counters.ReceiveThreadAllocatedBytes);
        foreach (var counter in MediaCounterSnapshot.All)
        {
            Events.WithLabels(SnakeCase(counter.ToString())).IncTo(counters.Server[counter]);
        }
    }

    // RtpReceived → rtp_received.
    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
