using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Policy;

namespace Appliance.Host.Signalling;

/// <summary>
/// Joins the WebSockets to the rooms: checks hellos, routes each room decision to the participants it names (in the
/// order decided), passes media changes to the media plane in that order too, and sweeps the rooms every second (drops
/// that outlived their grace time, empty and ended rooms).
/// </summary>
/// <remarks>
/// Every room operation and the queueing of its messages happen under one lock per group of meetings (a "gate"), so
/// that all participants see one meeting's events in the same order. Queueing never blocks, so the gate is held for
/// microseconds.
/// </remarks>
public sealed class SignallingHub : BackgroundService
{
    private const int GateCount = 64;

    // How long hands and media flags wait to go out together with others' (MeetingRoom.FlushRoster).
    private static readonly TimeSpan RosterBatch = TimeSpan.FromMilliseconds(50);

    private readonly MeetingRooms _rooms;
    private readonly JoinTickets _tickets;
    private readonly IMeetingStore _meetings;
    private readonly IInvitationStore _invitations;
    private readonly IIdentityStore _identity;
    private readonly MeetingPolicy _policy;
    private readonly IAuditLog _audit;
    private readonly Texts _texts;
    private readonly TimeProvider _time;
    private readonly SignallingOptions _options;
    private readonly ILogger<SignallingHub> _logger;
    private readonly MediaCalls _media;
    private readonly Lock[] _gates = Enumerable.Range(0, GateCount).Select(_ => new Lock()).ToArray();
    private readonly ConcurrentDictionary<string, SignallingConnection> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SignallingConnection, byte> _open = new();

    // Meetings whose room has a roster flush coming.
    private readonly ConcurrentDictionary<string, byte> _rosterFlushes = new(StringComparer.Ordinal);

    // The effective controls of each open room's meeting, so that chat and media decisions need no store call; replaced
    // when a policy version is applied.
    private readonly ConcurrentDictionary<string, PolicyControls> _controls = new(StringComparer.Ordinal);

    // Each participant as the policy saw them at their hello (sign-in strength, guest proof); participant ids survive
    // resumes, and the address is taken from the connection each time.
    private readonly ConcurrentDictionary<string, (string MeetingId, PolicyActor SeenAs)> _actors = new(StringComparer.Ordinal);

    public SignallingHub(
        MeetingRooms rooms,
        JoinTickets tickets,
        IMeetingStore meetings,
        IInvitationStore invitations,
        IIdentityStore identity,
        MeetingPolicy policy,
        IAuditLog audit,
        Texts texts,
        TimeProvider time,
        SignallingOptions options,
        IMeetingMedia media,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _rooms = rooms;
        _tickets = tickets;
        _meetings = meetings;
        _invitations = invitations;
        _identity = identity;
        _policy = policy;
        _audit = audit;
        policy.Active.Applied += OnPolicyApplied;
        _texts = texts;
        _time = time;
        _options = options;
        _logger = loggers.CreateLogger<SignallingHub>();
        _media = new MediaCalls(media, loggers.CreateLogger<MediaCalls>());
    }

    /// <summary>Runs one accepted WebSocket until it closes.</summary>
    public async Task RunAsync(WebSocket socket, string language, IPAddress? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var connection = new SignallingConnection(socket, this, language, _time, _options, _texts, _logger) { RemoteAddress = remoteAddress };
        _open.TryAdd(connection, 0);
        SignallingMetrics.Opened();
        try
        {
            await connection.RunAsync(cancellationToken);
        }
        finally
        {
            _open.TryRemove(connection, out _);
            SignallingMetrics.Closed();
        }
    }

    /// <summary>Closes every connection with 1001 (going away) so that browsers reconnect to the restarted appliance.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var connection in _open.Keys)
        {
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "server stopping");
        }

        var waited = 0;
        while (!_open.IsEmpty && waited < 20 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, CancellationToken.None);
            waited++;
        }

        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_media.RunAsync(stoppingToken), SweepLoopAsync(stoppingToken));

    internal async Task HandleAsync(SignallingConnection connection, ClientMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case PingMessage ping:
                connection.Send(ServerMessages.Pong(ping.Id));
                return;
            case HelloMessage hello when connection.HasJoined:
                connection.Invalid(SignalErrors.AlreadyJoined, about: hello.Type, id: hello.Id);
                return;
            case HelloMessage hello:
                await HelloAsync(connection, hello, cancellationToken);
                return;
        }

        if (!connection.HasJoined)
        {
            connection.Invalid(SignalErrors.HelloRequired, about: message.Type, id: message.Id);
            return;
        }

        var meetingId = connection.MeetingId!;
        var room = _rooms.Find(meetingId);
        if (room is null)
        {
            connection.SendError(SignalErrors.MeetingEnded, about: message.Type, id: message.Id);
            return;
        }

        // Decided before the gate: a denial is written to the audit log first, which must not hold up the room.
        if (await PolicyRefusalAsync(connection, room, message, cancellationToken) is { } denial)
        {
            SignallingMetrics.Refused(SignalErrors.PolicyDenied);
            connection.SendDenial(denial, about: message.Type, id: message.Id);
            return;
        }

        lock (GateFor(meetingId))
        {
            if (message is AnswerMessage answer)
            {
                Answer(connection, room, answer);
                return;
            }

            var actor = connection.Actor;
            var decision = message switch
            {
                ChatSendMessage chat => room.Chat(actor, chat.Text, chat.Sealed),
                SenderKeyMessage key => room.RelaySenderKey(actor, key.To, key.Generation, key.Sealed),
                HandMessage hand => room.SetHand(actor, hand.Raised),
                MediaStateMessage media => room.SetMediaState(actor, media.State),
                LobbyNoteMessage note => room.SendLobbyMessage(actor, note.Code),
                HostActionMessage { Action: HostAction.Admit } admit => room.Admit(actor, admit.ParticipantId),
                HostActionMessage { Action: HostAction.Reject } reject => room.Reject(actor, reject.ParticipantId),
                HostActionMessage { Action: HostAction.Remove } remove => room.Remove(actor, remove.ParticipantId),
                HostActionMessage { Action: HostAction.AskUnmute } ask => room.AskToUnmute(actor, ask.ParticipantId),
                LockMessage locking => room.SetLocked(actor, locking.Locked),
                EndMessage => room.End(actor),
                LeaveMessage => room.Leave(actor),
                RosterRequestMessage => room.SendRoster(actor),
                _ => throw new InvalidOperationException("Unhandled message type " + message.Type),
            };

            if (decision.Refusal is { } refusal)
            {
                var code = SignalErrors.Of(refusal);
                SignallingMetrics.Refused(code);
                if (SignalErrors.CountsAsInvalid(refusal))
                {
                    connection.Invalid(code, about: message.Type, id: message.Id);
                }
                else
                {
                    connection.SendError(code, about: message.Type, id: message.Id);
                }

                return;
            }

            Dispatch(meetingId, decision);
            LogHostAction(connection, message);
            AuditHostAction(connection, message);
            if (message is LeaveMessage)
            {
                _routes.TryRemove(new KeyValuePair<string, SignallingConnection>(connection.ParticipantId!, connection));
                connection.Close(WebSocketCloseStatus.NormalClosure, "left");
            }
        }
    }

    /// <summary>Ends a running meeting for everyone on an operator's word; false when it has no open room.</summary>
    public bool EndByOperator(string meetingId) => DispatchTo(meetingId, room => room.EndByOperator()) is not null;

    /// <summary>
    /// The meeting reached its level's longest duration: everyone is told why and the room closes. False when it has no
    /// open room or was already ended.
    /// </summary>
    public bool EndAtMaximumDuration(string meetingId) => DispatchTo(meetingId, room => room.EndAtMaximumDuration()) is { Deliveries.Count: > 0 };

    /// <summary>Warns everyone in the meeting that it will be ended at <paramref name="endsAt"/>; false when it has no open room.</summary>
    public bool WarnEnding(string meetingId, DateTimeOffset endsAt, int minutesLeft) => DispatchTo(meetingId, room => room.WarnEnding(endsAt, minutesLeft)) is { Deliveries.Count: > 0 };

    // Decides and dispatches under the meeting's gate; null when the meeting has no open room.
    private RoomDecision? DispatchTo(string meetingId, Func<MeetingRoom, RoomDecision> decide)
    {
        var room = _rooms.Find(meetingId);
        if (room is null)
        {
            return null;
        }

        lock (GateFor(meetingId))
        {
            var decision = decide(room);
            Dispatch(meetingId, decision);
            return decision;
        }
    }

    internal void Disconnected(SignallingConnection connection)
    {
        if (!connection.HasJoined)
        {
            return;
        }

        var meetingId = connection.MeetingId!;
        lock (GateFor(meetingId))
        {
            _routes.TryRemove(new KeyValuePair<string, SignallingConnection>(connection.ParticipantId!, connection));
            var room = _rooms.Find(meetingId);
            if (room is not null)
            {
                Dispatch(meetingId, room.Disconnect(connection.Actor));
            }
        }
    }

    private async Task HelloAsync(SignallingConnection connection, HelloMessage hello, CancellationToken cancellationToken)
    {
        if (hello.Resume is not null)
        {
            var resumeMeeting = _rooms.FindMeetingOfResumeToken(hello.Resume);
            if (resumeMeeting is null)
            {
                RefuseEntry(connection, SignalErrors.InvalidResume, WebSocketCloseStatus.PolicyViolation);
                return;
            }

            if (hello.E2eePublicKey is null && EncryptionRequired(_rooms.Find(resumeMeeting)?.Meeting.ClassificationId))
            {
                RefuseEntry(connection, SignalErrors.E2eeRequired, WebSocketCloseStatus.NormalClosure);
                return;
            }

            // A resume is an entry too: the policy decides again as at the hello with a ticket (the network may have
            // changed, the policy may have been tightened, the meeting may have run past its limit, a guest's invitation
            // may have been revoked). An unknown token falls through to the room, which refuses it.
            if (_rooms.Find(resumeMeeting) is { } resumeRoom && resumeRoom.HolderOfResumeToken(hello.Resume) is { } holder
                && _actors.TryGetValue(holder.Id, out var known) && await ResumeRefusedAsync(connection, resumeRoom, holder, known.SeenAs, cancellationToken))
            {
                return;
            }

            lock (GateFor(resumeMeeting))
            {
                Bind(connection, _rooms.Resume(resumeMeeting, hello.Resume, hello.LastChat, hello.E2eePublicKey), hello.DtlsFingerprint, resumed: true);
            }

            return;
        }

        var ticket = _tickets.Read(hello.Ticket);
        var found = ticket is null ? null : await _meetings.FindAsync(ticket.MeetingId, cancellationToken);
        var entrant = found is null ? null : await EntrantAsync(ticket!, found, connection.RemoteAddress, cancellationToken);
        if (found is null || entrant is null)
        {
            _logger.LogWarning("Signalling hello with an invalid or expired join ticket");
            RefuseEntry(connection, SignalErrors.InvalidTicket, WebSocketCloseStatus.PolicyViolation);
            return;
        }

        // Checked before the room sees them: a browser that cannot encrypt never enters a meeting that must be encrypted,
        // not even its lobby.
        if (hello.E2eePublicKey is null && EncryptionRequired(found.ClassificationId))
        {
            _logger.LogInformation("Participant refused at the door of meeting {MeetingId}: its level requires E2EE and the browser cannot", found.Id);
            RefuseEntry(connection, SignalErrors.E2eeRequired, WebSocketCloseStatus.NormalClosure);
            return;
        }

        // The policy decides again here: the page that issued the ticket saw another request, perhaps from another
        // network, and the room may have filled up since.
        var (person, seenAs) = entrant.Value;
        var room = _rooms.Find(found.Id);
        var context = await _policy.ContextAsync(found, room is null ? 0 : room.Roster().Count + room.LobbyQueue().Count, room?.StartedAt, cancellationToken);
        _controls[found.Id] = context.Controls;
        var decision = await _policy.DecideAsync(context, seenAs, seenAs.IsGuest ? PolicyAction.JoinAsGuest : PolicyAction.JoinAsStaff, cancellationToken);
        if (!decision.Allowed)
        {
            SignallingMetrics.Refused(SignalErrors.PolicyDenied);
            connection.SendDenial(decision, about: "hello");
            connection.Close(WebSocketCloseStatus.NormalClosure, SignalErrors.PolicyDenied);
            return;
        }

        // Whether this person may skip the lobby is the policy's to say (hosts always do); not a denial, so not audited.
        var direct = PolicyEngine.Decide(context, seenAs, PolicyAction.BypassLobby).Allowed;
        RoomEntry entry;
        lock (GateFor(found.Id))
        {
            entry = _rooms.Enter(found, person, hello.E2eePublicKey, direct);
            if (entry.Participant is { } participant)
            {
                _actors[participant.Id] = (found.Id, seenAs);
            }

            Bind(connection, entry, hello.DtlsFingerprint, resumed: false);
        }

        if (direct && entry.Participant is { IsHost: false, State: PresenceState.Admitted } admitted)
        {
            await AuditAsync(AuditNameOf(seenAs), AuditAction.Admitted, found.Id, new Dictionary<string, string> { ["participant"] = admitted.Id, ["via"] = "policy-direct" });
        }
    }

    /// <summary>
    /// Decides a resume as an entry; true when it was refused (and the connection told why and closed). Denials by the
    /// policy are audited by it; an invitation revoked or expired, or a staff account disabled, since the hello is
    /// audited here as a denial of the resume.
    /// </summary>
    private async Task<bool> ResumeRefusedAsync(SignallingConnection connection, MeetingRoom room, ParticipantView holder, PolicyActor seenAs, CancellationToken cancellationToken)
    {
        var actor = seenAs with { ClientAddress = connection.RemoteAddress };
        var action = actor.IsGuest ? PolicyAction.JoinAsGuest : PolicyAction.JoinAsStaff;
        if (!await StillVouchedForAsync(actor, room.MeetingId, cancellationToken))
        {
            _logger.LogWarning("Resume in meeting {MeetingId} refused: participant {ParticipantId} is no longer invited or enabled", room.MeetingId, holder.Id);
            await AuditAsync(AuditNameOf(actor), AuditAction.Denied, room.MeetingId, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["policyAction"] = action.ToString(),
                ["rule"] = actor.IsGuest ? "invitation.unusable" : "account.disabled",
                ["participant"] = holder.Id,
                ["via"] = "resume",
            }, AuditOutcome.Denied);
            RefuseEntry(connection, SignalErrors.InvalidResume, WebSocketCloseStatus.PolicyViolation);
            return true;
        }

        // The person already holds a place: they do not count against the participant limit they are returning to.
        var context = await RoomContextAsync(room, cancellationToken);
        var decision = await _policy.DecideAsync(context with { ParticipantCount = Math.Max(0, context.ParticipantCount - 1) }, actor, action, cancellationToken);
        if (decision.Allowed)
        {
            return false;
        }

        _logger.LogInformation("Resume of participant {ParticipantId} in meeting {MeetingId} refused by the policy ({Rule})", holder.Id, room.MeetingId, decision.RuleId);
        SignallingMetrics.Refused(SignalErrors.PolicyDenied);
        connection.SendDenial(decision, about: "hello");
        connection.Close(WebSocketCloseStatus.NormalClosure, SignalErrors.PolicyDenied);
        return true;
    }

    // What vouched for the person at their hello must still hold: a guest's invitation usable, a staff account enabled.
    private async Task<bool> StillVouchedForAsync(PolicyActor actor, string meetingId, CancellationToken cancellationToken)
    {
        if (actor.IsGuest)
        {
            var invitation = await _invitations.FindAsync(actor.Id, cancellationToken);
            return invitation is not null && invitation.MeetingId == meetingId && invitation.IsUsable(_time.GetUtcNow());
        }

        return actor.Kind != ActorKind.Staff || await _identity.FindUserByIdAsync(actor.Id, cancellationToken) is { Disabled: false };
    }

    // The ticket vouched for this person two minutes ago at most; they must still be who it says.
    private async Task<(RoomEntrant Entrant, PolicyActor SeenAs)?> EntrantAsync(JoinTicket ticket, Meeting meeting, IPAddress? address, CancellationToken cancellationToken)
    {
        if (ticket.Kind == ParticipantKind.Guest)
        {
            var invitation = await _invitations.FindAsync(ticket.SubjectId, cancellationToken);
            return invitation is not null && invitation.MeetingId == ticket.MeetingId && invitation.IsUsable(_time.GetUtcNow())
                ? (RoomEntrant.Guest(invitation.Id, invitation.GuestName), PolicyActors.Guest(invitation.Id, pinShown: invitation.PinHash is not null, address))
                : null;
        }

        var user = await _identity.FindUserByIdAsync(ticket.SubjectId, cancellationToken);
        if (user is not { Disabled: false })
        {
            return null;
        }

        var seenAs = PolicyActor.Staff(
            user.Id,
            user.Roles,
            address,
            acr: ticket.Acr,
            authentication: ticket.Authentication,
            isHost: string.Equals(meeting.OrganiserId, user.Id, StringComparison.Ordinal),
            supportsEndToEndEncryption: PolicyActors.ClientSupportsEndToEndEncryption);
        return (RoomEntrant.Staff(user.Id, user.DisplayName), seenAs);
    }

    private static string AuditNameOf(PolicyActor actor) => actor.IsGuest ? "guest:" + actor.Id : actor.Id;

    private string AuditNameOf(string participantId) =>
        _actors.TryGetValue(participantId, out var known) ? AuditNameOf(known.SeenAs) : "participant:" + participantId;

    /// <summary>The room's meeting under its effective controls (cached per room until a policy version is applied).</summary>
    private async Task<PolicyContext> RoomContextAsync(MeetingRoom room, CancellationToken cancellationToken)
    {
        var count = room.Roster().Count + room.LobbyQueue().Count;
        if (!_controls.TryGetValue(room.MeetingId, out var controls))
        {
            controls = await _policy.EffectiveControlsAsync(room.Meeting, cancellationToken);
            _controls[room.MeetingId] = controls;
        }

        return new PolicyContext
        {
            MeetingId = room.MeetingId,
            Level = _policy.LevelOf(room.Meeting.ClassificationId),
            EffectiveControls = controls,
            ScheduledStart = room.Meeting.StartsAt,
            ScheduledEnd = room.Meeting.EndsAt,
            // Counted from when the room opened, so that nothing more is allowed in a meeting past its longest duration.
            StartedAt = room.StartedAt,
            ParticipantCount = count,
            Now = _time.GetUtcNow(),
        };
    }

    /// <summary>
    /// The policy's say on an in-meeting action: sharing a screen, chatting, admitting someone. Null when allowed; a
    /// denial is already in the audit log.
    /// </summary>
    private async Task<PolicyDecision?> PolicyRefusalAsync(SignallingConnection connection, MeetingRoom room, ClientMessage message, CancellationToken cancellationToken)
    {
        var action = message switch
        {
            ChatSendMessage => PolicyAction.SendChat,
            MediaStateMessage { State.ScreenSharing: true } => PolicyAction.ShareScreen,
            HostActionMessage { Action: HostAction.Admit } => PolicyAction.Admit,
            _ => (PolicyAction?)null,
        };
        if (action is null || !_actors.TryGetValue(connection.ParticipantId!, out var known) || room.Find(connection.ParticipantId!) is not { } self)
        {
            return null;
        }

        // Sharing already on stays a media-state update like any other; only turning it on is a new share.
        if (action == PolicyAction.ShareScreen && self.Media.ScreenSharing)
        {
            return null;
        }

        var context = await RoomContextAsync(room, cancellationToken);
        var decision = await _policy.DecideAsync(context, known.SeenAs with { ClientAddress = connection.RemoteAddress }, action.Value, cancellationToken);
        if (decision.Allowed && message is HostActionMessage admit && room.Find(admit.ParticipantId) is { IsGuest: true } guest
            && _actors.TryGetValue(guest.Id, out var guestKnown))
        {
            // Admitting a guest is the guest entering: decided for them as they were at their hello, so that "no guests",
            // the proof and the participant limit hold here too.
            decision = await _policy.DecideAsync(context with { ParticipantCount = room.Roster().Count }, guestKnown.SeenAs, PolicyAction.JoinAsGuest, cancellationToken);
        }

        return decision.Allowed ? null : decision;
    }

    // Under the meeting's gate.
    private void Bind(SignallingConnection connection, RoomEntry entry, string? dtlsFingerprint, bool resumed)
    {
        if (entry.Decision.Refusal is { } refusal)
        {
            var code = SignalErrors.Of(refusal);
            RefuseEntry(connection, code, refusal == RoomRefusal.UnknownResumeToken ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure);
            return;
        }

        var participant = entry.Participant!;
        var meetingId = entry.Room!.MeetingId;
        if (!connection.TryAttach(meetingId, participant.Id, entry.Connection, dtlsFingerprint))
        {
            // The connection closed (hello timeout) while the hello was checked: the place waits for a resume.
            Dispatch(meetingId, entry.Decision);
            var room = _rooms.Find(meetingId);
            if (room is not null)
            {
                Dispatch(meetingId, room.Disconnect(new RoomActor(participant.Id, entry.Connection)));
            }

            return;
        }

        if (_routes.TryGetValue(participant.Id, out var previous) && !ReferenceEquals(previous, connection))
        {
            previous.SendError(SignalErrors.Replaced);
            previous.Close(SignallingConnection.ReplacedStatus, "replaced");
            SignallingMetrics.ClosedBecause(SignalErrors.Replaced);
        }

        _routes[participant.Id] = connection;
        var catalog = _policy.Active.Catalog;
        var level = catalog.TryGet(entry.Room.ClassificationId, out var found) ? found : catalog.Levels[^1];
        connection.Send(ServerMessages.Welcome(entry, level, connection.Language, (int)_rooms.Limits.ReconnectGrace.TotalSeconds, _time.GetUtcNow()));
        if (participant.State == PresenceState.Lobby)
        {
            connection.Send(ServerMessages.Lobby());
        }

        if (participant.IsHost)
        {
            connection.Send(ServerMessages.LobbyQueue(entry.Lobby));
        }

        foreach (var missed in entry.MissedChat)
        {
            connection.Send(ServerMessages.Chat(missed));
        }

        Dispatch(meetingId, entry.Decision);
        _logger.LogInformation(
            "Participant {ParticipantId} ({Kind}, {Role}) entered meeting {MeetingId} in the {State}{Resumed}",
            participant.Id,
            participant.Kind,
            participant.Role,
            meetingId,
            participant.State,
            resumed ? " (resumed)" : "");
    }

    private static void RefuseEntry(SignallingConnection connection, string code, WebSocketCloseStatus status)
    {
        SignallingMetrics.Refused(code);
        connection.SendError(code, about: "hello");
        connection.Close(status, code);
    }

    private void Answer(SignallingConnection connection, MeetingRoom room, AnswerMessage answer)
    {
        var participant = room.Find(connection.ParticipantId!);
        if (participant is null || !connection.TryTakeAnswer(answer.Revision))
        {
            connection.SendError(SignalErrors.NoOffer, "revision", answer.Type, answer.Id);
            return;
        }

        var who = MediaParticipant.Of(room.MeetingId, participant);
        var media = new MediaAnswer(answer.Revision, answer.Sdp);
        _media.Enqueue(room.MeetingId, "answer", (m, ct) => m.OnAnswerAsync(who, media, ct));
    }

    // The level's control; an unknown level (a catalog changed under a running meeting) counts as the strictest.
    private bool EncryptionRequired(string? classificationId) =>
        classificationId is not null && _policy.Active.Catalog is var catalog &&
        (catalog.TryGet(classificationId, out var level) ? level : catalog.Levels[^1]).EndToEndEncryptionRequired;

    // Under the meeting's gate: queue every delivery to its recipients' connections, then the media calls, in order.
    private void Dispatch(string meetingId, RoomDecision decision)
    {
        var required = decision.Deliveries.Count > 0 && EncryptionRequired(_rooms.Find(meetingId)?.Meeting.ClassificationId);
        foreach (var delivery in decision.Deliveries)
        {
            if (delivery.Recipients.Count == 0)
            {
                continue;
            }

            var message = ServerMessages.For(delivery.Event, required);
            var ends = ServerMessages.EndsConnection(delivery.Event);
            foreach (var recipient in delivery.Recipients)
            {
                if (!_routes.TryGetValue(recipient, out var connection))
                {
                    continue;
                }

                connection.Send(message);
                if (ends)
                {
                    _routes.TryRemove(new KeyValuePair<string, SignallingConnection>(recipient, connection));
                    connection.Close(WebSocketCloseStatus.NormalClosure, ServerMessageName(delivery.Event));
                }
            }
        }

        foreach (var change in decision.Media)
        {
            QueueMedia(meetingId, change);
        }

        if (decision.RosterSoon && _rosterFlushes.TryAdd(meetingId, 0))
        {
            _ = FlushRosterSoonAsync(meetingId);
        }
    }

    private async Task FlushRosterSoonAsync(string meetingId)
    {
        try
        {
            await Task.Delay(RosterBatch, _time);

            // Taken off first: a change while this flush runs asks for the next one.
            _rosterFlushes.TryRemove(meetingId, out _);
            DispatchTo(meetingId, room => room.FlushRoster());
        }
#pragma warning disable CA1031 // Runs on its own: a failure is logged, and the next roster update carries the flags anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _rosterFlushes.TryRemove(meetingId, out _);
            _logger.LogError(e, "Sending the roster flags of meeting {MeetingId} failed", meetingId);
        }
    }

    private void QueueMedia(string meetingId, MediaChange change)
    {
        switch (change)
        {
            case MediaJoin join when _routes.TryGetValue(join.Participant.Id, out var signals):
                var joining = MediaParticipant.Of(meetingId, join.Participant, signals.DtlsFingerprint);
                _media.Enqueue(meetingId, "join", (m, ct) => m.JoinAsync(joining, signals, ct));
                break;
            case MediaReconnect back when _routes.TryGetValue(back.Participant.Id, out var signals):
                var returning = MediaParticipant.Of(meetingId, back.Participant, signals.DtlsFingerprint);
                _media.Enqueue(meetingId, "reconnect", (m, ct) => m.ReconnectAsync(returning, signals, ct));
                break;
            case MediaStateChanged state:
                var changed = MediaParticipant.Of(meetingId, state.Participant);
                _media.Enqueue(meetingId, "media-state", (m, ct) => m.OnMediaStateAsync(changed, state.State, ct));
                break;
            case MediaLeave leave:
                var leaving = MediaParticipant.Of(meetingId, leave.Participant);
                _media.Enqueue(meetingId, "leave", (m, ct) => m.LeaveAsync(leaving, ct));
                break;
            case MediaEnd end:
                _media.Enqueue(meetingId, "end", (m, ct) => m.EndAsync(end.MeetingId, ct));
                break;
        }
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round of housekeeping over every open room.</summary>
    internal void Sweep()
    {
        foreach (var meetingId in _rooms.MeetingIds)
        {
            lock (GateFor(meetingId))
            {
                var decision = _rooms.Sweep(meetingId);
                foreach (var leave in decision.Media.OfType<MediaLeave>())
                {
                    _logger.LogInformation("Participant {ParticipantId} did not come back to meeting {MeetingId} in time and was removed", leave.Participant.Id, meetingId);
                }

                Dispatch(meetingId, decision);
            }
        }

        SignallingMetrics.RoomsOpen(_rooms.Count);
        var open = _rooms.MeetingIds.ToHashSet(StringComparer.Ordinal);
        foreach (var meetingId in _controls.Keys.Where(id => !open.Contains(id)))
        {
            _controls.TryRemove(meetingId, out _);
        }

        foreach (var (participantId, known) in _actors.Where(a => !open.Contains(a.Value.MeetingId)))
        {
            _actors.TryRemove(participantId, out _);
        }
    }

    // Security-relevant host actions are logged by id (never names, never chat); they go to the audit log once it exists.
    private void LogHostAction(SignallingConnection connection, ClientMessage message)
    {
        switch (message)
        {
            case HostActionMessage action:
                _logger.LogInformation("Host {HostId} in meeting {MeetingId}: {Action} participant {ParticipantId}", connection.ParticipantId, connection.MeetingId, action.Type, action.ParticipantId);
                break;
            case LockMessage locking:
                _logger.LogInformation("Host {HostId} {Action} meeting {MeetingId}", connection.ParticipantId, locking.Locked ? "locked" : "unlocked", connection.MeetingId);
                break;
            case EndMessage:
                _logger.LogInformation("Host {HostId} ended meeting {MeetingId} for everyone", connection.ParticipantId, connection.MeetingId);
                break;
        }
    }

    // Admissions, rejections, removals and the end of a meeting go to the audit log by ids, never names or chat.
    private void AuditHostAction(SignallingConnection connection, ClientMessage message)
    {
        var (action, target) = message switch
        {
            HostActionMessage { Action: HostAction.Admit } a => (AuditAction.Admitted, a.ParticipantId),
            HostActionMessage { Action: HostAction.Reject } r => (AuditAction.Rejected, r.ParticipantId),
            HostActionMessage { Action: HostAction.Remove } r => (AuditAction.Removed, r.ParticipantId),
            EndMessage => (AuditAction.MeetingEnded, (string?)null),
            _ => ((AuditAction?)null, (string?)null),
        };
        if (action is null)
        {
            return;
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (target is not null)
        {
            details["participant"] = target;
            details["subject"] = AuditNameOf(target);
        }

        // Queued rather than awaited: the room's gate is held here, and the log's own lock keeps the order of entries.
        _ = AuditAsync(AuditNameOf(connection.ParticipantId!), action.Value, connection.MeetingId!, details);
    }

    private async Task AuditAsync(string actor, AuditAction action, string meetingId, IReadOnlyDictionary<string, string> details, AuditOutcome outcome = AuditOutcome.Success)
    {
        try
        {
            await _audit.AppendAsync(new AuditEvent(actor, action, meetingId, outcome, details), CancellationToken.None);
        }
#pragma warning disable CA1031 // A failed audit write is logged loudly; it must not tear down the participant's connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Could not write {Action} for meeting {MeetingId} to the audit log", action, meetingId);
        }
    }

    private void OnPolicyApplied(object? sender, PolicyAppliedEventArgs e) => _ = ApplyPolicyToRoomsAsync();

    /// <summary>
    /// A version came into force: every open room recomputes its effective controls (the stricter of its booked version
    /// and the current one, so only tightenings reach it) and acts on them at once — screen shares stop, guests in the
    /// lobby are turned away when guests are no longer allowed. Chat and the participant limit are decided per action
    /// from the refreshed controls. Everyone in the room is told the controls now in force.
    /// </summary>
    internal async Task ApplyPolicyToRoomsAsync()
    {
        try
        {
            foreach (var meetingId in _rooms.MeetingIds)
            {
                var room = _rooms.Find(meetingId);
                if (room is null)
                {
                    continue;
                }

                var controls = await _policy.EffectiveControlsAsync(room.Meeting, CancellationToken.None);
                var before = _controls.TryGetValue(meetingId, out var known) ? known : null;
                _controls[meetingId] = controls;
                if (controls == before)
                {
                    continue;
                }

                await ApplyControlsAsync(room, controls);
            }
        }
#pragma warning disable CA1031 // Runs from an event: a failure is logged, and the next decision reads the new controls anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Applying a new policy version to the open rooms failed");
        }
    }

    private async Task ApplyControlsAsync(MeetingRoom room, PolicyControls controls)
    {
        var meetingId = room.MeetingId;
        var level = _policy.LevelOf(room.Meeting.ClassificationId);
        IReadOnlyList<string> stoppedShares = [];
        IReadOnlyList<ParticipantView> rejected = [];
        lock (GateFor(meetingId))
        {
            if (!controls.ScreenShareAllowed)
            {
                var (decision, stopped) = room.StopScreenShares();
                stoppedShares = stopped;
                Dispatch(meetingId, decision);
            }

            if (controls.Guests == Appliance.Core.Policy.GuestAccess.None)
            {
                var (decision, turnedAway) = room.RejectGuestsInLobby();
                rejected = turnedAway;
                Dispatch(meetingId, decision);
            }

            var recipients = room.Roster().Select(p => p.Id).Concat(room.LobbyQueue().Select(p => p.ParticipantId));
            foreach (var participantId in recipients)
            {
                if (_routes.TryGetValue(participantId, out var connection))
                {
                    var reason = _texts.Get(connection.Language, "signal.policy.changed");
                    connection.Send(ServerMessages.Policy(controls, string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, level.NameIn(connection.Language)), stoppedShares.Contains(participantId) ? ["screenShare"] : []));
                }
            }
        }

        foreach (var participantId in stoppedShares)
        {
            // A running share the tightened level no longer allows is a denial like a refused start: audited with its rule.
            _logger.LogInformation("Screen share of participant {ParticipantId} in meeting {MeetingId} stopped by a policy change", participantId, meetingId);
            await AuditAsync(PolicyAdministration.SystemActor, AuditAction.Denied, meetingId, new Dictionary<string, string>
            {
                ["participant"] = participantId,
                ["policyAction"] = nameof(Appliance.Core.Policy.PolicyAction.ShareScreen),
                ["rule"] = PolicyRules.ScreenShareNotAllowed.Id,
                ["level"] = level.Id,
                ["cause"] = "policy-tightened",
            }, AuditOutcome.Denied);
        }

        foreach (var guest in rejected)
        {
            await AuditAsync(PolicyAdministration.SystemActor, AuditAction.Rejected, meetingId, new Dictionary<string, string> { ["participant"] = guest.Id, ["subject"] = "guest:" + guest.InvitationId, ["rule"] = PolicyRules.GuestsNotAllowed.Id }, AuditOutcome.Denied);
        }
    }

    private static string ServerMessageName(RoomEvent roomEvent) => roomEvent switch
    {
        Rejected => "rejected",
        Removed => "removed",
        MeetingEnded => "ended",
        _ => roomEvent.GetType().Name.ToLowerInvariant(),
    };

    private Lock GateFor(string meetingId) => _gates[(uint)StringComparer.Ordinal.GetHashCode(meetingId) % GateCount];

    internal static string LanguageOf(CultureInfo culture) =>
        Texts.Languages.Contains(culture.TwoLetterISOLanguageName) ? culture.TwoLetterISOLanguageName : "en";
}
