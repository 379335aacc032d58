using Appliance.Media.Sdp;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Media.Conference;

/// <summary>The receive thread's side: <see cref="IMediaHandler"/>, the commands, and what the routers' changes mean for each browser.</summary>
public sealed partial class ConferenceMedia
{
    // Receive thread only (and the disposing thread once the receive thread has ended).
    private readonly Dictionary<long, MediaSession> _sessionsByPeer = [];
    private readonly Dictionary<string, Conference> _conferences = new(StringComparer.Ordinal);
    private readonly List<Conference> _conferenceList = [];

    // Written by the receive thread only, read by GetCounters.
    private long _offersSent;
    private long _publicationsRefused;
    private long _ticks;
    private long _receiveThreadAllocated;

    private enum CommandKind
    {
        Attach,
        Answer,
        RequestOffer,
        Leave,
    }

    /// <inheritdoc />
    void IMediaHandler.OnRtp(MediaPeer from, Span<byte> packet, long nowTicks)
    {
        if (!_commands.IsEmpty)
        {
            DrainCommands();
        }

        if (_sessionsByPeer.TryGetValue(from.Id, out var session) && session.Conference is { } conference)
        {
            conference.Router.OnRtp(session.Key, packet, nowTicks);
        }
    }

    /// <inheritdoc />
    void IMediaHandler.OnRtcp(MediaPeer from, Span<byte> compound, long nowTicks)
    {
        if (!_commands.IsEmpty)
        {
            DrainCommands();
        }

        if (_sessionsByPeer.TryGetValue(from.Id, out var session) && session.Conference is { } conference)
        {
            conference.Router.OnRtcp(session.Key, compound, nowTicks);
        }
    }

    /// <inheritdoc />
    void IMediaHandler.OnPeerConnected(MediaPeer peer)
    {
        // Nothing to do: the router has been sending to the peer's slots since its answer, and sends reach the
        // peer from now on. Browsers ask for a key frame (PLI) as soon as they decode, which the router relays.
    }

    /// <inheritdoc />
    void IMediaHandler.OnPeerDisconnected(MediaPeer peer, PeerCloseReason reason)
    {
        // A peer removed by Close is no longer in the map; one closed before its session was attached is found
        // closed by Attach.
        if (_sessionsByPeer.TryGetValue(peer.Id, out var session))
        {
            Close(session, ToCloseReason(reason));
        }
    }

    /// <inheritdoc />
    void IMediaHandler.OnTick(long nowTicks)
    {
        if (!_commands.IsEmpty)
        {
            DrainCommands();
        }

        var conferences = _conferenceList;
        for (var i = 0; i < conferences.Count; i++)
        {
            conferences[i].Router.OnTick(nowTicks);
        }

        for (var i = 0; i < conferences.Count; i++)
        {
            PublishChanges(conferences[i]);
        }

        Volatile.Write(ref _ticks, _ticks + 1);
        Volatile.Write(ref _receiveThreadAllocated, GC.GetAllocatedBytesForCurrentThread());
    }

    private static MediaCloseReason ToCloseReason(PeerCloseReason reason) => reason switch
    {
        PeerCloseReason.ConsentExpired => MediaCloseReason.ConsentExpired,
        PeerCloseReason.DtlsFailed => MediaCloseReason.DtlsFailed,
        PeerCloseReason.ClosedByPeer => MediaCloseReason.ClosedByPeer,
        PeerCloseReason.ServerStopped => MediaCloseReason.ServerStopped,
        PeerCloseReason.Removed => MediaCloseReason.Removed,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown close reason."),
    };

    private void DrainCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            try
            {
                switch (command.Kind)
                {
                    case CommandKind.Attach:
                        Attach(command.Session);
                        break;
                    case CommandKind.Answer:
                        ApplyAnswer(command.Session, command.Answer!, command.Tracks!);
                        break;
                    case CommandKind.RequestOffer:
                        if (!command.Session.IsDetached && command.Session.Conference is { } conference)
                        {
                            command.Session.OfferRequested = true;
                            Reconcile(command.Session, conference, force: true);
                        }

                        break;
                    case CommandKind.Leave:
                        Close(command.Session, null);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(command), command.Kind, "Unknown command.");
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ReportUnexpected(ex);
            }
        }
    }

    private void Attach(MediaSession session)
    {
        if (session.HasLeft)
        {
            // Its Leave command follows and removes the peer.
            return;
        }

        var peer = session.Peer;
        if (peer.State == MediaPeerState.Closed)
        {
            // Closed before its session got here (the server stopping): Closed completed with OnPeerDisconnected,
            // on this thread, so reading it does not block.
            var reason = peer.Closed.IsCompletedSuccessfully ? peer.Closed.GetAwaiter().GetResult() : PeerCloseReason.ServerStopped;
            Close(session, ToCloseReason(reason));
            return;
        }

        if (!_conferences.TryGetValue(session.ConferenceId, out var conference))
        {
            conference = new Conference(session.ConferenceId, _sfuOptions);
            _conferences.Add(conference.Id, conference);
            _conferenceList.Add(conference);
        }

        session.Key = conference.Router.AddParticipant();
        session.Conference = conference;
        conference.Add(session);
        _sessionsByPeer.Add(peer.Id, session);

        var layout = conference.Router.GetLayout(session.Key)!;
        var offer = session.Sections.First(
            SessionOffer.NewSessionId(), peer.LocalIceCredentials, SdpFingerprint.Parse(peer.LocalFingerprint), _candidates, layout);
        SendOffer(session, offer);
        session.SeenLayoutVersion = layout.Version;
        SendSlotsIfChanged(session, conference, layout);
    }

    private void ApplyAnswer(MediaSession session, SdpAnswer answer, PublishedTrack[] tracks)
    {
        if (session.IsDetached || session.Conference is not { } conference)
        {
            return;
        }

        session.OfferInFlight = false;
        session.Sections.OnAnswered(answer);
        var result = conference.Router.SetPublication(session.Key, tracks);
        if (result != PublicationResult.Accepted)
        {
            Volatile.Write(ref _publicationsRefused, _publicationsRefused + 1);
            Close(session, MediaCloseReason.PublicationRefused);
            return;
        }

        // Changes that waited for this answer get their offer now.
        Reconcile(session, conference, force: true);
    }

    /// <summary>Takes the session out of its conference and closes its peer; tells the browser when <paramref name="reason"/> is given.</summary>
    private void Close(MediaSession session, MediaCloseReason? reason)
    {
        if (session.IsDetached)
        {
            return;
        }

        session.IsDetached = true;
        session.MarkClosed();
        if (session.Conference is { } conference)
        {
            conference.Router.RemoveParticipant(session.Key);
            conference.Remove(session);
            _sessionsByPeer.Remove(session.Peer.Id);
            session.Conference = null;
            if (conference.Members.Count == 0)
            {
                _conferences.Remove(conference.Id);
                _conferenceList.Remove(conference);
            }
        }

        if (session.Peer.State != MediaPeerState.Closed)
        {
            _server.RemovePeer(session.Peer);
        }

        Forget(session);
        if (reason is { } why)
        {
            // Ignored when the session has left: Leave stopped its signals.
            session.Signals.PostFinal(s => s.MediaClosed(why));
        }
    }

    /// <summary>Tells the conference's browsers what the router's last changes mean for them.</summary>
    private void PublishChanges(Conference conference)
    {
        var router = conference.Router;
        if (router.LayoutVersion != conference.SeenLayoutVersion)
        {
            conference.SeenLayoutVersion = router.LayoutVersion;
            var members = conference.Members;
            for (var i = 0; i < members.Count; i++)
            {
                try
                {
                    Reconcile(members[i], conference, force: false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    ReportUnexpected(ex);
                }
            }
        }

        if (router.SpeakerVersion != conference.SeenSpeakerVersion)
        {
            conference.SeenSpeakerVersion = router.SpeakerVersion;
            SendSpeakers(conference);
        }
    }

    /// <summary>
    /// A new offer when slots appeared or disappeared (or the browser asked for one) and none is awaiting an answer;
    /// new labels when sources changed.
    /// </summary>
    private void Reconcile(MediaSession session, Conference conference, bool force)
    {
        var layout = conference.Router.GetLayout(session.Key);
        if (layout is null || (!force && layout.Version == session.SeenLayoutVersion))
        {
            return;
        }

        session.SeenLayoutVersion = layout.Version;
        if (!session.OfferInFlight && (session.OfferRequested || layout.StructureVersion != session.Sections.StructureVersion))
        {
            session.OfferRequested = false;
            SendOffer(session, session.Sections.Next(layout));
        }

        SendSlotsIfChanged(session, conference, layout);
    }

    private void SendOffer(MediaSession session, SessionOffer offer)
    {
        var sdp = SdpWriter.WriteOffer(offer);
        var revision = checked((int)offer.Version);
        session.OfferSent(revision, offer);
        session.OfferInFlight = true;
        Volatile.Write(ref _offersSent, _offersSent + 1);
        session.Signals.Post(s => s.SendOffer(sdp, revision));
    }

    private static void SendSlotsIfChanged(MediaSession session, Conference conference, SubscriberLayout layout)
    {
        var slots = new List<SlotSource>(layout.Slots.Count);
        foreach (var slot in layout.Slots)
        {
            if (session.Sections.TryGetMid(slot.Id, out var mid))
            {
                slots.Add(new SlotSource(mid, slot.Kind, conference.ParticipantIdOf(slot.Source)));
            }
        }

        if (session.LastSlots is { } last && last.SequenceEqual(slots))
        {
            return;
        }

        var sent = slots.ToArray();
        session.LastSlots = sent;
        session.Signals.Post(s => s.SendSlots(sent));
    }

    private static void SendSpeakers(Conference conference)
    {
        var order = conference.Router.GetSpeakerOrder();
        var ids = new List<string>(order.Count);
        foreach (var key in order)
        {
            if (conference.ParticipantIdOf(key) is { } id)
            {
                ids.Add(id);
            }
        }

        var sent = ids.ToArray();
        var dominant = conference.ParticipantIdOf(conference.Router.DominantSpeaker);
        foreach (var member in conference.Members)
        {
            member.Signals.Post(s => s.SendSpeakers(sent, dominant));
        }
    }

    /// <summary>Work for the receive thread from another thread; one per join, answer, offer request or leave, never per packet.</summary>
    private readonly record struct Command(CommandKind Kind, MediaSession Session, SdpAnswer? Answer = null, PublishedTrack[]? Tracks = null);
}
