using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Core.Validation;
using Appliance.Crypto;

namespace Appliance.Core.Rooms;

/// <summary>
/// The live state of one meeting while it runs: who is in it, who waits in the lobby (and what they told the host),
/// whether it is locked or ended, and its chat sequence. Every operation names its actor and returns a decision: refused
/// with a reason (nothing changed), or allowed with the events to deliver and the media changes to make, in order.
/// Thread-safe; the state lives in memory only and is gone when the room closes.
/// </summary>
public sealed class MeetingRoom
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly RoomLimits _limits;
    private readonly List<Participant> _participants = [];
    private readonly Dictionary<string, Participant> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Participant> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Participant> _byResumeHash = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private readonly Queue<ChatMessage> _recentChat = new();
    private readonly List<Participant> _rosterSoon = [];
    private long _chatSequence;
    private long _admissions;
    private long _epoch;
    private long _rosterRevision;
    private int _senderIndexes;
    private int _connections;
    private bool _locked;
    private bool _ended;

    /// <summary>Opens the room of a meeting.</summary>
    public MeetingRoom(Meeting meeting, TimeProvider time, RoomLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(time);
        Meeting = meeting;
        _time = time;
        _limits = limits ?? RoomLimits.Default;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When the room opened (its first entrant): the meeting's running time counts from here.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The meeting as it was when the room opened.</summary>
    public Meeting Meeting { get; }

    /// <summary>The meeting's id.</summary>
    public string MeetingId => Meeting.Id;

    /// <summary>True while nobody new may enter the lobby.</summary>
    public bool IsLocked
    {
        get
        {
            lock (_lock)
            {
                return _locked;
            }
        }
    }

    /// <summary>True once a host ended the meeting for everyone.</summary>
    public bool IsEnded
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>True when nobody is in the room, not even someone who may still come back.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _participants.Count == 0;
            }
        }
    }

    /// <summary>The facts an entering participant is told.</summary>
    public MeetingRoomInfo Info
    {
        get
        {
            lock (_lock)
            {
                return InfoLocked();
            }
        }
    }

    /// <summary>The admitted participants, in the order they were admitted.</summary>
    public IReadOnlyList<ParticipantView> Roster()
    {
        lock (_lock)
        {
            return RosterLocked();
        }
    }

    /// <summary>The end-to-end encryption state of the admitted roster.</summary>
    public RoomEncryption Encryption
    {
        get
        {
            lock (_lock)
            {
                return EncryptionLocked();
            }
        }
    }

    /// <summary>
    /// The chat the room keeps in memory (the last <see cref="RoomLimits.ChatReplay"/> messages) to replay after a drop;
    /// in an end-to-end encrypted meeting only as the senders sealed it.
    /// </summary>
    public IReadOnlyList<ChatMessage> RecentChat()
    {
        lock (_lock)
        {
            return [.. _recentChat];
        }
    }

    /// <summary>Who waits in the lobby, longest waiting first.</summary>
    public IReadOnlyList<LobbyEntryView> LobbyQueue()
    {
        lock (_lock)
        {
            return LobbyLocked();
        }
    }

    /// <summary>A participant (admitted or waiting), or null.</summary>
    public ParticipantView? Find(string participantId)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(participantId, out var participant) ? participant.View() : null;
        }
    }

    /// <summary>True when the room holds a participant whose current resume token is <paramref name="token"/>.</summary>
    public bool HoldsResumeToken(string token) => HolderOfResumeToken(token) is not null;

    /// <summary>
    /// The participant whose current resume token is <paramref name="token"/>, without resuming them (so that the edge
    /// can check them against the policy first); null when the token is unknown or the room ended.
    /// </summary>
    public ParticipantView? HolderOfResumeToken(string token)
    {
        if (!SecretToken.LooksValid(token))
        {
            return null;
        }

        var hash = SecretToken.Hash(token);
        lock (_lock)
        {
            return !_ended && _byResumeHash.TryGetValue(hash, out var participant) ? participant.View() : null;
        }
    }

    /// <summary>
    /// Someone enters with a checked ticket. The organiser is the host and enters directly; everyone else waits in the
    /// lobby, unless the room is locked or full or a host refused them before. The same person entering again (a
    /// reload, a second window) takes over their place: admitted stays admitted.
    /// </summary>
    /// <param name="entrant">Who enters.</param>
    /// <param name="publicKey">Their page's E2EE public key (base64url, checked by the edge); null when it cannot do E2EE.</param>
    /// <param name="direct">The classification policy lets this person bypass the lobby: a non-host is admitted at once
    /// instead of waiting, still subject to lock, refusal and capacity.</param>
    public RoomEntry Join(RoomEntrant entrant, string? publicKey = null, bool direct = false)
    {
        ArgumentNullException.ThrowIfNull(entrant);
        lock (_lock)
        {
            if (_ended)
            {
                return RoomEntry.Refuse(RoomRefusal.MeetingEnded);
            }

            if (_byKey.TryGetValue(entrant.Key, out var existing))
            {
                return Reattach(existing, lastChatSequence: null, publicKey);
            }

            var isHost = RoomRules.IsOrganiser(Meeting, entrant);
            if (!isHost)
            {
                if (_refused.Contains(entrant.Key))
                {
                    return RoomEntry.Refuse(RoomRefusal.Refused);
                }

                if (_locked)
                {
                    return RoomEntry.Refuse(RoomRefusal.Locked);
                }

                if (_participants.Count >= _limits.MaxParticipants)
                {
                    return RoomEntry.Refuse(RoomRefusal.Full);
                }
            }

            var participant = new Participant(
                Ids.New(),
                entrant.Key,
                entrant.DisplayName,
                entrant.Kind,
                isHost ? RoomRole.Host : RoomRole.Participant,
                entrant.Kind == ParticipantKind.Guest ? entrant.SubjectId : null,
                _time.GetUtcNow(),
                _limits)
            {
                PublicKey = publicKey,
            };
            _participants.Add(participant);
            _byId.Add(participant.Id, participant);
            _byKey.Add(participant.Key, participant);
            var token = Connect(participant);

            var deliveries = new List<Delivery>();
            var media = new List<MediaChange>();
            if (isHost || direct)
            {
                AdmitLocked(participant, media);
                deliveries.Add(RosterUpdate([participant], except: participant));
            }
            else
            {
                deliveries.Add(LobbyToHosts());
            }

            return EntryFor(participant, token, replaced: null, new RoomDecision { Deliveries = deliveries, Media = media }, missedChat: []);
        }
    }

    /// <summary>
    /// A participant comes back with their resume token after a drop, within the grace time: they keep their place (in
    /// the lobby or admitted), get a new resume token, and the chat they missed since <paramref name="lastChatSequence"/>.
    /// </summary>
    public RoomEntry Resume(string token, long? lastChatSequence = null, string? publicKey = null)
    {
        if (!SecretToken.LooksValid(token))
        {
            return RoomEntry.Refuse(RoomRefusal.UnknownResumeToken);
        }

        var hash = SecretToken.Hash(token);
        lock (_lock)
        {
            if (_ended)
            {
                return RoomEntry.Refuse(RoomRefusal.MeetingEnded);
            }

            return _byResumeHash.TryGetValue(hash, out var participant)
                ? Reattach(participant, lastChatSequence, publicKey)
                : RoomEntry.Refuse(RoomRefusal.UnknownResumeToken);
        }
    }

    /// <summary>
    /// The actor's connection dropped. They keep their place for <see cref="RoomLimits.ReconnectGrace"/>; the others see
    /// them as reconnecting. A drop reported for a connection that was already replaced changes nothing.
    /// </summary>
    public RoomDecision Disconnect(RoomActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        lock (_lock)
        {
            if (!TryActor(actor, out var participant))
            {
                return RoomDecision.Nothing;
            }

            participant.Connected = false;
            participant.ReconnectBy = _time.GetUtcNow() + _limits.ReconnectGrace;
            return new RoomDecision { Deliveries = _ended ? [] : [ChangeOf(participant)] };
        }
    }

    /// <summary>Removes everyone whose grace time after a drop has passed.</summary>
    public RoomDecision ExpireReconnects()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var expired = _participants.Where(p => !p.Connected && p.ReconnectBy <= now).ToList();
            if (expired.Count == 0)
            {
                return RoomDecision.Nothing;
            }

            var media = new List<MediaChange>();
            foreach (var participant in expired)
            {
                Forget(participant, media);
            }

            if (expired.Any(p => p.State == PresenceState.Admitted))
            {
                _epoch++;
            }

            return new RoomDecision { Deliveries = ChangesAfterDeparture(expired), Media = media };
        }
    }

    /// <summary>The actor leaves the meeting (or the lobby) for good; no grace time.</summary>
    public RoomDecision Leave(RoomActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        lock (_lock)
        {
            if (!TryActor(actor, out var participant))
            {
                return RoomDecision.Refuse(RoomRefusal.NotInRoom);
            }

            var media = new List<MediaChange>();
            Forget(participant, media);
            if (participant.State == PresenceState.Admitted)
            {
                _epoch++;
            }

            return new RoomDecision { Deliveries = _ended ? [] : ChangesAfterDeparture([participant]), Media = media };
        }
    }

    /// <summary>A host lets someone in from the lobby.</summary>
    public RoomDecision Admit(RoomActor actor, string participantId)
    {
        ArgumentNullException.ThrowIfNull(participantId);
        lock (_lock)
        {
            if (CheckHost(actor, participantId, out _, out var target) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            if (target.State != PresenceState.Lobby)
            {
                return RoomDecision.Refuse(RoomRefusal.NotInLobby);
            }

            var media = new List<MediaChange>();
            AdmitLocked(target, media);
            return new RoomDecision
            {
                // The others hear of the one admitted; the admitted get the whole roster at the revision that adds them.
                Deliveries = [ToOne(target, new Admitted()), RosterUpdate([target], except: target), FullRosterTo(target), LobbyToHosts()],
                Media = media,
            };
        }
    }

    /// <summary>A host turns someone in the lobby away; the same invitation cannot come back in this session.</summary>
    public RoomDecision Reject(RoomActor actor, string participantId)
    {
        ArgumentNullException.ThrowIfNull(participantId);
        lock (_lock)
        {
            if (CheckHost(actor, participantId, out _, out var target) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            if (target.State != PresenceState.Lobby)
            {
                return RoomDecision.Refuse(RoomRefusal.NotInLobby);
            }

            var told = ToOne(target, new Rejected());
            var media = new List<MediaChange>();
            Forget(target, media);
            _refused.Add(target.Key);
            return new RoomDecision { Deliveries = [told, LobbyToHosts()], Media = media };
        }
    }

    /// <summary>A host removes an admitted participant (not a host); they cannot come back in this session.</summary>
    public RoomDecision Remove(RoomActor actor, string participantId)
    {
        ArgumentNullException.ThrowIfNull(participantId);
        lock (_lock)
        {
            if (CheckHost(actor, participantId, out var host, out var target) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            if (CheckTarget(host, target) is { } targetRefusal)
            {
                return RoomDecision.Refuse(targetRefusal);
            }

            var told = ToOne(target, new Removed());
            var media = new List<MediaChange>();
            Forget(target, media);
            _refused.Add(target.Key);
            _epoch++;
            return new RoomDecision { Deliveries = [told, RosterUpdate([], removed: [target])], Media = media };
        }
    }

    /// <summary>A host asks an admitted participant to turn their microphone on. Nobody can turn it on for them.</summary>
    public RoomDecision AskToUnmute(RoomActor actor, string participantId)
    {
        ArgumentNullException.ThrowIfNull(participantId);
        lock (_lock)
        {
            if (CheckHost(actor, participantId, out var host, out var target) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            if (ReferenceEquals(host, target))
            {
                return RoomDecision.Refuse(RoomRefusal.NotOnSelf);
            }

            if (target.State != PresenceState.Admitted)
            {
                return RoomDecision.Refuse(RoomRefusal.NotAdmitted);
            }

            return new RoomDecision { Deliveries = [ToOne(target, new AskedToUnmute(host.Id, host.DisplayName))] };
        }
    }

    /// <summary>A host locks the meeting (nobody new can enter the lobby) or unlocks it.</summary>
    public RoomDecision SetLocked(RoomActor actor, bool locked)
    {
        lock (_lock)
        {
            if (CheckHost(actor, targetId: null, out _, out _) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            _locked = locked;
            return new RoomDecision { Deliveries = [Deliver(Audience.Admitted, new LockChanged(locked))] };
        }
    }

    /// <summary>A host ends the meeting for everyone: all are told, nobody can enter or resume any more.</summary>
    public RoomDecision End(RoomActor actor)
    {
        lock (_lock)
        {
            if (CheckHost(actor, targetId: null, out _, out _) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            return EndLocked();
        }
    }

    /// <summary>
    /// An operator ends the meeting from the admin pages (no participant acts): as <see cref="End"/>, everyone is told
    /// and nobody can enter or resume any more.
    /// </summary>
    public RoomDecision EndByOperator() => EndWithout(MeetingEndReason.Operator);

    /// <summary>
    /// The meeting has run as long as its level allows: as <see cref="End"/>, everyone is told (with that reason) and
    /// nobody can enter or resume any more. An already ended room decides nothing.
    /// </summary>
    public RoomDecision EndAtMaximumDuration() => EndWithout(MeetingEndReason.MaxDuration);

    /// <summary>Tells everyone (lobby too) that the meeting will be ended at <paramref name="endsAt"/>; nothing once ended.</summary>
    public RoomDecision WarnEnding(DateTimeOffset endsAt, int minutesLeft)
    {
        lock (_lock)
        {
            return _ended
                ? RoomDecision.Nothing
                : new RoomDecision { Deliveries = [Deliver(Audience.Everyone, new MeetingEndingSoon(endsAt, minutesLeft))] };
        }
    }

    private RoomDecision EndWithout(MeetingEndReason reason)
    {
        lock (_lock)
        {
            return _ended ? RoomDecision.Nothing : EndLocked(reason);
        }
    }

    private RoomDecision EndLocked(MeetingEndReason reason = MeetingEndReason.Host)
    {
        var told = Deliver(Audience.Everyone, new MeetingEnded(reason));
        _ended = true;
        _byResumeHash.Clear();
        return new RoomDecision { Deliveries = [told], Media = [new MediaEnd(MeetingId)] };
    }

    /// <summary>
    /// An admitted participant writes to the meeting's chat: plain <paramref name="text"/>, or, while the meeting is end-to-end
    /// encrypted, only <paramref name="sealedText"/> (SFrame ciphertext the room keeps and passes on without reading).
    /// </summary>
    public RoomDecision Chat(RoomActor actor, string? text, string? sealedText = null)
    {
        lock (_lock)
        {
            if (CheckAdmitted(actor, out var sender) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            var encrypted = EncryptionLocked().Enabled;
            if (sealedText is not null)
            {
                return encrypted ? PostChat(sender, null, sealedText) : RoomDecision.Refuse(RoomRefusal.SealedChatInPlainMeeting);
            }

            if (encrypted)
            {
                return RoomDecision.Refuse(RoomRefusal.PlainChatInEncryptedMeeting);
            }

            var cleaned = Text.Clean(text);
            if (cleaned is null)
            {
                return RoomDecision.Refuse(RoomRefusal.InvalidText);
            }

            if (cleaned.Length > _limits.MaxChatLength)
            {
                return RoomDecision.Refuse(RoomRefusal.TextTooLong);
            }

            if (!Text.IsSafe(cleaned, multiline: true))
            {
                return RoomDecision.Refuse(RoomRefusal.InvalidText);
            }

            return PostChat(sender, cleaned.Replace("\r\n", "\n", StringComparison.Ordinal), null);
        }
    }

    /// <summary>
    /// An admitted participant passes their sealed sender key to one other admitted participant with a public key. The
    /// room never reads it; the recipient checks it (HPKE binds it to meeting, sender, recipient and generation).
    /// </summary>
    public RoomDecision RelaySenderKey(RoomActor actor, string recipientId, long generation, string sealedKey)
    {
        ArgumentNullException.ThrowIfNull(recipientId);
        ArgumentNullException.ThrowIfNull(sealedKey);
        lock (_lock)
        {
            if (CheckAdmitted(actor, out var sender) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            if (!_byId.TryGetValue(recipientId, out var recipient))
            {
                return RoomDecision.Refuse(RoomRefusal.UnknownParticipant);
            }

            if (ReferenceEquals(sender, recipient))
            {
                return RoomDecision.Refuse(RoomRefusal.NotOnSelf);
            }

            if (recipient.State != PresenceState.Admitted)
            {
                return RoomDecision.Refuse(RoomRefusal.NotAdmitted);
            }

            if (recipient.PublicKey is null)
            {
                return RoomDecision.Refuse(RoomRefusal.RecipientWithoutKey);
            }

            return new RoomDecision { Deliveries = [ToOne(recipient, new SenderKeyRelayed(sender.Id, generation, sealedKey))] };
        }
    }

    // Under the lock; text or sealed, already checked.
    private RoomDecision PostChat(Participant sender, string? text, string? sealedText)
    {
        if (!sender.ChatLimit.TryTake(_time.GetUtcNow()))
        {
            return RoomDecision.Refuse(RoomRefusal.RateLimited);
        }

        var message = new ChatMessage(++_chatSequence, sender.Id, sender.DisplayName, text, _time.GetUtcNow(), sealedText);
        _recentChat.Enqueue(message);
        while (_recentChat.Count > _limits.ChatReplay)
        {
            _recentChat.Dequeue();
        }

        return new RoomDecision { Deliveries = [Deliver(Audience.Admitted, new ChatPosted(message))] };
    }

    /// <summary>An admitted participant raises or lowers their hand.</summary>
    public RoomDecision SetHand(RoomActor actor, bool raised)
    {
        lock (_lock)
        {
            if (CheckAdmitted(actor, out var participant) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            participant.HandRaised = raised;
            return RosterSoon(participant, []);
        }
    }

    /// <summary>
    /// Tells everyone the hands and media flags changed since the last roster update (see
    /// <see cref="RoomDecision.RosterSoon"/>), in one update; nothing when they went out with another change meanwhile.
    /// </summary>
    public RoomDecision FlushRoster()
    {
        lock (_lock)
        {
            return _rosterSoon.Count == 0 || _ended ? RoomDecision.Nothing : new RoomDecision { Deliveries = [RosterUpdate([])] };
        }
    }

    /// <summary>
    /// An admitted participant asks for the whole roster again (their client saw a revision missing); rate-limited,
    /// because each answer is as large as the meeting.
    /// </summary>
    public RoomDecision SendRoster(RoomActor actor)
    {
        lock (_lock)
        {
            if (CheckAdmitted(actor, out var participant) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            return participant.RosterRequestLimit.TryTake(_time.GetUtcNow())
                ? new RoomDecision { Deliveries = [FullRosterTo(participant)] }
                : RoomDecision.Refuse(RoomRefusal.RateLimited);
        }
    }

    /// <summary>
    /// The classification policy no longer allows screen sharing: every share stops at once. The room's state says
    /// "not sharing" (so the roster and the media plane agree); the edge tells the sharers why.
    /// </summary>
    /// <returns>The decision and the participants whose share was stopped.</returns>
    public (RoomDecision Decision, IReadOnlyList<string> Stopped) StopScreenShares()
    {
        lock (_lock)
        {
            var stopped = new List<Participant>();
            var media = new List<MediaChange>();
            foreach (var participant in _participants)
            {
                if (participant.Media.ScreenSharing)
                {
                    participant.Media = participant.Media with { ScreenSharing = false };
                    stopped.Add(participant);
                    if (participant.MediaJoined)
                    {
                        media.Add(new MediaStateChanged(participant.View(), participant.Media));
                    }
                }
            }

            return stopped.Count == 0 || _ended
                ? (RoomDecision.Nothing, [])
                : (new RoomDecision { Deliveries = [RosterUpdate(stopped.Where(p => p.State == PresenceState.Admitted).ToList())], Media = media }, stopped.Select(p => p.Id).ToList());
        }
    }

    /// <summary>
    /// The classification policy no longer allows guests: every guest waiting in the lobby is turned away (and, as
    /// after a host's rejection, cannot come back in this session).
    /// </summary>
    public (RoomDecision Decision, IReadOnlyList<ParticipantView> Rejected) RejectGuestsInLobby()
    {
        lock (_lock)
        {
            var waiting = _participants.Where(p => p.State == PresenceState.Lobby && p.Kind == ParticipantKind.Guest).ToList();
            if (waiting.Count == 0 || _ended)
            {
                return (RoomDecision.Nothing, []);
            }

            var deliveries = new List<Delivery>();
            var media = new List<MediaChange>();
            foreach (var guest in waiting)
            {
                deliveries.Add(ToOne(guest, new Rejected()));
                Forget(guest, media);
                _refused.Add(guest.Key);
            }

            deliveries.Add(LobbyToHosts());
            return (new RoomDecision { Deliveries = deliveries, Media = media }, waiting.Select(p => p.View()).ToList());
        }
    }

    /// <summary>An admitted participant reports their microphone, camera and screen flags.</summary>
    public RoomDecision SetMediaState(RoomActor actor, MediaState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_lock)
        {
            if (CheckAdmitted(actor, out var participant) is { } refusal)
            {
                return RoomDecision.Refuse(refusal);
            }

            participant.Media = state;
            return RosterSoon(participant, participant.MediaJoined ? [new MediaStateChanged(participant.View(), state)] : []);
        }
    }

    /// <summary>A guest in the lobby tells the hosts one of the fixed messages (rate-limited).</summary>
    public RoomDecision SendLobbyMessage(RoomActor actor, LobbyMessageCode code)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!Enum.IsDefined(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "Not a lobby message.");
        }

        lock (_lock)
        {
            if (_ended)
            {
                return RoomDecision.Refuse(RoomRefusal.MeetingEnded);
            }

            if (!TryActor(actor, out var participant))
            {
                return RoomDecision.Refuse(RoomRefusal.NotInRoom);
            }

            if (participant.State != PresenceState.Lobby)
            {
                return RoomDecision.Refuse(RoomRefusal.NotInLobby);
            }

            var now = _time.GetUtcNow();
            if (!participant.LobbyLimit.TryTake(now))
            {
                return RoomDecision.Refuse(RoomRefusal.RateLimited);
            }

            participant.LobbyNotes.Add(new LobbyNote(code, now));
            if (participant.LobbyNotes.Count > _limits.LobbyMessagesKept)
            {
                participant.LobbyNotes.RemoveAt(0);
            }

            return new RoomDecision { Deliveries = [LobbyToHosts()] };
        }
    }

    private RoomEntry Reattach(Participant participant, long? lastChatSequence, string? publicKey)
    {
        var wasConnected = participant.Connected;
        var replaced = wasConnected ? participant.Connection : (int?)null;
        var token = Connect(participant);
        var deliveries = new List<Delivery>();

        // A reload makes a new key pair: for the others that is a new member of the roster (new keys, new code).
        var keyChanged = !string.Equals(participant.PublicKey, publicKey, StringComparison.Ordinal);
        participant.PublicKey = publicKey;
        if (keyChanged && participant.State == PresenceState.Admitted)
        {
            participant.SenderIndex ??= publicKey is null ? null : ++_senderIndexes;
            _epoch++;
        }

        if (!wasConnected || (keyChanged && participant.State == PresenceState.Admitted))
        {
            deliveries.Add(participant.State == PresenceState.Admitted ? RosterUpdate([participant], except: participant) : LobbyToHosts());
        }

        var media = new List<MediaChange>();
        IReadOnlyList<ChatMessage> missed = [];
        if (participant.State == PresenceState.Admitted)
        {
            if (participant.MediaJoined)
            {
                media.Add(new MediaReconnect(participant.View()));
            }
            else
            {
                participant.MediaJoined = true;
                media.Add(new MediaJoin(participant.View()));
            }

            var from = Math.Max(participant.ChatFrom, (lastChatSequence ?? 0) + 1);
            missed = _recentChat.Where(m => m.Sequence >= from).ToList();
        }

        return EntryFor(participant, token, replaced, new RoomDecision { Deliveries = deliveries, Media = media }, missed);
    }

    private RoomEntry EntryFor(Participant participant, string token, int? replaced, RoomDecision decision, IReadOnlyList<ChatMessage> missedChat) => new()
    {
        Decision = decision,
        Participant = participant.View(),
        ResumeToken = token,
        Connection = participant.Connection,
        ReplacedConnection = replaced,
        Room = InfoLocked(),
        Roster = participant.State == PresenceState.Admitted ? RosterLocked() : [],
        Encryption = EncryptionLocked(),
        RosterRevision = _rosterRevision,
        Lobby = participant.Role == RoomRole.Host ? LobbyLocked() : [],
        MissedChat = missedChat,
    };

    // A new connection number and a new resume token; the previous token stops working.
    private string Connect(Participant participant)
    {
        participant.Connection = ++_connections;
        participant.Connected = true;
        participant.ReconnectBy = null;
        if (participant.ResumeHash is not null)
        {
            _byResumeHash.Remove(participant.ResumeHash);
        }

        var token = SecretToken.Generate();
        participant.ResumeHash = SecretToken.Hash(token);
        _byResumeHash.Add(participant.ResumeHash, participant);
        return token;
    }

    private void AdmitLocked(Participant participant, List<MediaChange> media)
    {
        participant.State = PresenceState.Admitted;
        participant.AdmittedOrder = ++_admissions;
        participant.SenderIndex ??= participant.PublicKey is null ? null : ++_senderIndexes;
        _epoch++;
        participant.ChatFrom = _chatSequence + 1;
        participant.LobbyNotes.Clear();
        if (participant.Connected)
        {
            participant.MediaJoined = true;
            media.Add(new MediaJoin(participant.View()));
        }
    }

    private void Forget(Participant participant, List<MediaChange> media)
    {
        _participants.Remove(participant);
        _byId.Remove(participant.Id);
        _byKey.Remove(participant.Key);
        if (participant.ResumeHash is not null)
        {
            _byResumeHash.Remove(participant.ResumeHash);
        }

        if (participant.MediaJoined && !_ended)
        {
            media.Add(new MediaLeave(participant.View()));
        }
    }

    private List<Delivery> ChangesAfterDeparture(IReadOnlyList<Participant> departed)
    {
        var deliveries = new List<Delivery>();
        var admitted = departed.Where(p => p.State == PresenceState.Admitted).ToList();
        if (admitted.Count > 0)
        {
            deliveries.Add(RosterUpdate([], removed: admitted));
        }

        if (departed.Any(p => p.State == PresenceState.Lobby))
        {
            deliveries.Add(LobbyToHosts());
        }

        return deliveries;
    }

    // What the others must hear when one participant's connection changes.
    private Delivery ChangeOf(Participant participant) =>
        participant.State == PresenceState.Admitted ? RosterUpdate([participant]) : LobbyToHosts();

    private bool TryActor(RoomActor actor, out Participant participant)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return _byId.TryGetValue(actor.ParticipantId, out participant!) && participant.Connected && participant.Connection == actor.Connection;
    }

    private RoomRefusal? CheckAdmitted(RoomActor actor, out Participant participant)
    {
        participant = null!;
        if (_ended)
        {
            return RoomRefusal.MeetingEnded;
        }

        if (!TryActor(actor, out participant))
        {
            return RoomRefusal.NotInRoom;
        }

        return participant.State == PresenceState.Admitted ? null : RoomRefusal.NotAdmitted;
    }

    private RoomRefusal? CheckHost(RoomActor actor, string? targetId, out Participant host, out Participant target)
    {
        target = null!;
        if (CheckAdmitted(actor, out host) is { } refusal)
        {
            return refusal == RoomRefusal.NotAdmitted ? RoomRefusal.NotHost : refusal;
        }

        if (host.Role != RoomRole.Host)
        {
            return RoomRefusal.NotHost;
        }

        if (targetId is not null && !_byId.TryGetValue(targetId, out target!))
        {
            return RoomRefusal.UnknownParticipant;
        }

        return null;
    }

    private static RoomRefusal? CheckTarget(Participant host, Participant target)
    {
        if (ReferenceEquals(host, target))
        {
            return RoomRefusal.NotOnSelf;
        }

        if (target.Role == RoomRole.Host)
        {
            return RoomRefusal.NotOnHost;
        }

        return target.State == PresenceState.Admitted ? null : RoomRefusal.NotAdmitted;
    }

    private MeetingRoomInfo InfoLocked() => new(Meeting.Id, Meeting.Title, Meeting.ClassificationId, _locked);

    private List<ParticipantView> RosterLocked() =>
        _participants.Where(p => p.State == PresenceState.Admitted).OrderBy(p => p.AdmittedOrder).Select(p => p.View()).ToList();

    private List<LobbyEntryView> LobbyLocked() =>
        _participants.Where(p => p.State == PresenceState.Lobby)
            .Select(p => new LobbyEntryView(p.Id, p.DisplayName, p.Kind, p.EnteredAt, p.Connected, p.LobbyNotes.ToList()))
            .ToList();

    // Every change of the roster is one revision, told to every connected admitted participant but the one who gets the
    // whole roster at this revision instead (in the welcome, or just after being admitted).
    // Flags that waited to be told (RosterSoon) go with it, so that nothing older arrives after a newer change.
    private Delivery RosterUpdate(IReadOnlyList<Participant> changed, IReadOnlyList<Participant>? removed = null, Participant? except = null)
    {
        var waiting = _rosterSoon.Where(p => p.State == PresenceState.Admitted && _byId.ContainsKey(p.Id) && !changed.Contains(p));
        var update = new RosterUpdated(
            changed.Concat(waiting).Select(p => p.View()).ToList(),
            removed?.Select(p => p.Id).ToList() ?? [],
            EncryptionLocked(),
            ++_rosterRevision);
        _rosterSoon.Clear();
        return Deliver(Audience.Admitted, update, except);
    }

    // Hands and media flags of many people change at the same moment (everyone mutes as a talk starts, every browser
    // reports its devices as it joins): the edge calls FlushRoster a moment later, and everyone gets one update for them
    // all. Drops and returns are never held back: the senders' keys depend on seeing someone come back.
    private RoomDecision RosterSoon(Participant participant, IReadOnlyList<MediaChange> media)
    {
        if (!_rosterSoon.Contains(participant))
        {
            _rosterSoon.Add(participant);
        }

        return new RoomDecision { Media = media, RosterSoon = true };
    }

    private Delivery FullRosterTo(Participant participant) =>
        ToOne(participant, new RosterChanged(RosterLocked(), EncryptionLocked(), _rosterRevision));

    // Encrypted when everyone admitted has a key; an empty room has nothing to protect and says so.
    private RoomEncryption EncryptionLocked()
    {
        var any = false;
        foreach (var participant in _participants)
        {
            if (participant.State != PresenceState.Admitted)
            {
                continue;
            }

            if (participant.PublicKey is null)
            {
                return new RoomEncryption(false, _epoch);
            }

            any = true;
        }

        return new RoomEncryption(any, _epoch);
    }

    private Delivery LobbyToHosts() => Deliver(Audience.Hosts, new LobbyQueueChanged(LobbyLocked()));

    private static Delivery ToOne(Participant participant, RoomEvent roomEvent) =>
        new(Audience.One, roomEvent, participant.Connected ? [participant.Id] : []);

    private Delivery Deliver(Audience audience, RoomEvent roomEvent, Participant? except = null)
    {
        var recipients = new List<string>();
        foreach (var participant in _participants)
        {
            if (!participant.Connected || ReferenceEquals(participant, except))
            {
                continue;
            }

#pragma warning disable CS8524 // Every named audience is handled: a new one must break the build here.
            var included = audience switch
            {
                Audience.Everyone => true,
                Audience.Admitted => participant.State == PresenceState.Admitted,
                Audience.Hosts => participant.State == PresenceState.Admitted && participant.Role == RoomRole.Host,
                Audience.One => throw new ArgumentException("One participant is addressed with ToOne.", nameof(audience)),
            };
#pragma warning restore CS8524
            if (included)
            {
                recipients.Add(participant.Id);
            }
        }

        return new Delivery(audience, roomEvent, recipients);
    }

    /// <summary>One person's place in the room (mutable; guarded by the room's lock).</summary>
    private sealed class Participant(
        string id, string key, string displayName, ParticipantKind kind, RoomRole role, string? invitationId, DateTimeOffset enteredAt, RoomLimits limits)
    {
        public string Id { get; } = id;

        public string Key { get; } = key;

        public string DisplayName { get; } = displayName;

        public ParticipantKind Kind { get; } = kind;

        public RoomRole Role { get; } = role;

        public string? InvitationId { get; } = invitationId;

        public DateTimeOffset EnteredAt { get; } = enteredAt;

        public PresenceState State { get; set; } = PresenceState.Lobby;

        public long AdmittedOrder { get; set; }

        public bool HandRaised { get; set; }

        public MediaState Media { get; set; } = MediaState.Nothing;

        public bool MediaJoined { get; set; }

        public int Connection { get; set; }

        public bool Connected { get; set; }

        public DateTimeOffset? ReconnectBy { get; set; }

        public string? ResumeHash { get; set; }

        public long ChatFrom { get; set; }

        public string? PublicKey { get; set; }

        public int? SenderIndex { get; set; }

        public List<LobbyNote> LobbyNotes { get; } = [];

        public SlidingWindow ChatLimit { get; } = new(limits.ChatMessagesPerWindow, limits.ChatWindow);

        public SlidingWindow LobbyLimit { get; } = new(limits.LobbyMessagesPerWindow, limits.LobbyWindow);

        public SlidingWindow RosterRequestLimit { get; } = new(limits.RosterRequestsPerWindow, limits.RosterRequestWindow);

        public ParticipantView View() => new(Id, DisplayName, Kind, Role, InvitationId, State, HandRaised, Media, Connected, PublicKey, SenderIndex);
    }
}
