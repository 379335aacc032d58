using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Appliance.Core.Classification;
using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>
/// Writes the server's messages (PROTOCOL.md) as UTF-8 JSON, once per event however many receive it. Text is escaped for
/// HTML-sensitive characters too, so a client that forgot to use textContent still does not run what someone typed.
/// </summary>
internal static class ServerMessages
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Indented = false,
    };

    /// <summary>The message for a room event (what the room told a set of participants).</summary>
    /// <param name="roomEvent">The event.</param>
    /// <param name="encryptionRequired">The meeting's level requires end-to-end encryption (said in every roster).</param>
    public static byte[] For(RoomEvent roomEvent, bool encryptionRequired = false) => roomEvent switch
    {
        RosterChanged roster => Roster(roster.Participants, roster.Encryption ?? new RoomEncryption(false, 0), encryptionRequired, roster.Revision),
        RosterUpdated update => RosterUpdate(update, encryptionRequired),
        SenderKeyRelayed key => Write("e2ee-key", w =>
        {
            w.WriteString("from", key.FromParticipantId);
            w.WriteNumber("gen", key.Generation);
            w.WriteString("sealed", key.Sealed);
        }),
        LobbyQueueChanged queue => LobbyQueue(queue.Waiting),
        Admitted => Write("admitted", _ => { }),
        Rejected => Write("rejected", _ => { }),
        Removed => Write("removed", _ => { }),
        AskedToUnmute asked => Write("ask-unmute", w =>
        {
            w.WriteString("participantId", asked.ByParticipantId);
            w.WriteString("displayName", asked.ByName);
        }),
        LockChanged locked => Write("locked", w => w.WriteBoolean("locked", locked.Locked)),
        MeetingEnded ended => Write("ended", w => w.WriteString("reason", EndReason(ended.Reason))),
        MeetingEndingSoon soon => Write("ending-soon", w =>
        {
            w.WriteString("endsAt", Time(soon.EndsAt));
            w.WriteNumber("minutesLeft", soon.MinutesLeft);
            w.WriteString("reason", EndReason(MeetingEndReason.MaxDuration));
        }),
        ChatPosted chat => Chat(chat.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(roomEvent), roomEvent.GetType().Name, "No message for this event."),
    };

    /// <summary>The reason code of an end on the wire (the client shows its own text for each).</summary>
    public static string EndReason(MeetingEndReason reason) => reason switch
    {
        MeetingEndReason.Host => "host",
        MeetingEndReason.Operator => "operator",
        MeetingEndReason.MaxDuration => "max-duration",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "No code for this reason."),
    };

    /// <summary>True for events after which the recipient's connection closes (they are out of the meeting).</summary>
    public static bool EndsConnection(RoomEvent roomEvent) => roomEvent is Rejected or Removed or MeetingEnded;

    /// <summary>
    /// The classification policy in force for the meeting changed (a tightening reached it): the controls that matter
    /// in the room now, and what was stopped for the recipient (for example their screen share).
    /// </summary>
    public static byte[] Policy(Appliance.Core.Policy.PolicyControls controls, string reason, IReadOnlyList<string> stopped) => Write("policy", w =>
    {
        ArgumentNullException.ThrowIfNull(controls);
        w.WriteStartObject("controls");
        w.WriteBoolean("screenShare", controls.ScreenShareAllowed);
        w.WriteBoolean("chat", controls.ChatAllowed);
        w.WriteBoolean("recording", controls.RecordingAllowed);
        w.WriteString("guests", controls.Guests switch
        {
            Appliance.Core.Policy.GuestAccess.None => "none",
            Appliance.Core.Policy.GuestAccess.ViaLobby => "lobby",
            _ => "direct",
        });
        w.WriteBoolean("lobbyRequired", controls.LobbyRequired);
        w.WriteBoolean("e2eeRequired", controls.EndToEndEncryptionRequired);
        w.WriteNumber("maxParticipants", controls.MaxParticipants);
        w.WriteEndObject();
        w.WriteString("message", reason);
        w.WriteStartArray("stopped");
        foreach (var item in stopped)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    });

    /// <summary>The first answer to a good hello.</summary>
    public static byte[] Welcome(RoomEntry entry, ClassificationLevel level, string language, int reconnectSeconds, DateTimeOffset now)
    {
        var participant = entry.Participant!;
        var room = entry.Room!;
        return Write("welcome", w =>
        {
            w.WriteString("participantId", participant.Id);
            w.WriteString("displayName", participant.DisplayName);
            w.WriteString("role", Role(participant.Role));
            w.WriteBoolean("guest", participant.IsGuest);
            w.WriteString("state", participant.State == PresenceState.Admitted ? "admitted" : "lobby");
            w.WriteString("resumeToken", entry.ResumeToken);
            w.WriteNumber("reconnectWithinSeconds", reconnectSeconds);
            w.WriteStartObject("meeting");
            w.WriteString("id", room.MeetingId);
            w.WriteString("title", room.Title);
            w.WriteString("classification", level.Id);
            w.WriteString("marking", level.MarkingIn(language));
            w.WriteEndObject();
            w.WriteBoolean("locked", room.Locked);
            w.WritePropertyName("roster");
            RosterArray(w, entry.Roster);
            w.WriteNumber("rosterRevision", entry.RosterRevision);
            Encryption(w, entry.Encryption, level.EndToEndEncryptionRequired);
            w.WriteString("serverTime", Time(now));
        });
    }

    /// <summary>You wait in the lobby.</summary>
    public static byte[] Lobby() => Write("lobby", _ => { });

    /// <summary>The admitted participants, and the meeting's end-to-end encryption state with them.</summary>
    public static byte[] Roster(IReadOnlyList<ParticipantView> participants, RoomEncryption encryption, bool encryptionRequired, long revision) => Write("roster", w =>
    {
        w.WriteNumber("revision", revision);
        w.WritePropertyName("participants");
        RosterArray(w, participants);
        Encryption(w, encryption, encryptionRequired);
    });

    /// <summary>What changed in the roster since the revision before, with the encryption state after the change.</summary>
    public static byte[] RosterUpdate(RosterUpdated update, bool encryptionRequired) => Write("roster-update", w =>
    {
        ArgumentNullException.ThrowIfNull(update);
        w.WriteNumber("revision", update.Revision);
        w.WritePropertyName("participants");
        RosterArray(w, update.Changed);
        w.WriteStartArray("removed");
        foreach (var id in update.Removed)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        Encryption(w, update.Encryption, encryptionRequired);
    });

    private static void Encryption(Utf8JsonWriter w, RoomEncryption encryption, bool required)
    {
        w.WriteStartObject("e2ee");
        w.WriteBoolean("enabled", encryption.Enabled);
        w.WriteBoolean("required", required);
        w.WriteNumber("epoch", encryption.Epoch);
        w.WriteEndObject();
    }

    /// <summary>Who waits in the lobby (hosts only).</summary>
    public static byte[] LobbyQueue(IReadOnlyList<LobbyEntryView> waiting) => Write("lobby-queue", w =>
    {
        w.WriteStartArray("waiting");
        foreach (var entry in waiting)
        {
            w.WriteStartObject();
            w.WriteString("participantId", entry.ParticipantId);
            w.WriteString("displayName", entry.DisplayName);
            w.WriteBoolean("guest", entry.Kind == ParticipantKind.Guest);
            w.WriteString("since", Time(entry.Since));
            w.WriteBoolean("connected", entry.Connected);
            w.WriteStartArray("messages");
            foreach (var note in entry.Messages)
            {
                w.WriteStartObject();
                w.WriteString("code", LobbyCode(note.Code));
                w.WriteString("at", Time(note.At));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>A chat message.</summary>
    public static byte[] Chat(ChatMessage message) => Write("chat", w =>
    {
        w.WriteNumber("seq", message.Sequence);
        w.WriteString("participantId", message.SenderId);
        w.WriteString("displayName", message.SenderName);
        if (message.Sealed is not null)
        {
            w.WriteString("sealed", message.Sealed);
        }
        else
        {
            w.WriteString("text", message.Text);
        }

        w.WriteString("at", Time(message.SentAt));
    });

    /// <summary>An SDP offer from the media plane.</summary>
    public static byte[] Offer(MediaOffer offer) => Write("offer", w =>
    {
        w.WriteNumber("revision", offer.Revision);
        w.WriteString("sdp", offer.Sdp);
    });

    /// <summary>Whose media each receiving slot of the browser carries.</summary>
    public static byte[] MediaSlots(IReadOnlyList<MediaSlot> slots) => Write("media-slots", w =>
    {
        w.WriteStartArray("slots");
        foreach (var slot in slots)
        {
            w.WriteStartObject();
            w.WriteString("mid", slot.Mid);
            w.WriteString("kind", SlotKind(slot.Kind));
            if (slot.ParticipantId is null)
            {
                w.WriteNull("participantId");
            }
            else
            {
                w.WriteString("participantId", slot.ParticipantId);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    /// <summary>The speaker order, most recently dominant first.</summary>
    public static byte[] Speakers(MediaSpeakers speakers) => Write("speakers", w =>
    {
        w.WriteStartArray("order");
        foreach (var id in speakers.Order)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        if (speakers.Dominant is null)
        {
            w.WriteNull("dominant");
        }
        else
        {
            w.WriteString("dominant", speakers.Dominant);
        }
    });

    /// <summary>The answer to a ping.</summary>
    public static byte[] Pong(string? id) => Write("pong", w =>
    {
        if (id is not null)
        {
            w.WriteString("id", id);
        }
    });

    /// <summary>An error: the code, a text in the connection's language, and what it was about.</summary>
    public static byte[] Error(string code, string message, string? field = null, string? about = null, string? id = null) => Write("error", w =>
    {
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (field is not null)
        {
            w.WriteString("field", field);
        }

        if (about is not null)
        {
            w.WriteString("about", about);
        }

        if (id is not null)
        {
            w.WriteString("id", id);
        }
    });

    /// <summary>The wire name of a lobby message code.</summary>
    public static string LobbyCode(LobbyMessageCode code) =>
#pragma warning disable CS8524 // Every named code is mapped: a new one must break the build here.
        code switch
        {
            LobbyMessageCode.Here => "here",
            LobbyMessageCode.Late => "late",
            LobbyMessageCode.NoVideo => "novideo",
        };
#pragma warning restore CS8524

    private static string SlotKind(MediaSlotKind kind) =>
#pragma warning disable CS8524 // Every named kind is mapped: a new one must break the build here.
        kind switch
        {
            MediaSlotKind.Audio => "audio",
            MediaSlotKind.Video => "video",
            MediaSlotKind.Screen => "screen",
        };
#pragma warning restore CS8524

    private static string Role(RoomRole role) =>
#pragma warning disable CS8524 // Every named role is mapped: a new one must break the build here.
        role switch
        {
            RoomRole.Host => "host",
            RoomRole.Participant => "participant",
        };
#pragma warning restore CS8524

    private static void RosterArray(Utf8JsonWriter w, IReadOnlyList<ParticipantView> participants)
    {
        w.WriteStartArray();
        foreach (var p in participants)
        {
            w.WriteStartObject();
            w.WriteString("participantId", p.Id);
            w.WriteString("displayName", p.DisplayName);
            w.WriteString("role", Role(p.Role));
            w.WriteBoolean("guest", p.IsGuest);
            w.WriteBoolean("handRaised", p.HandRaised);
            w.WriteBoolean("audioMuted", p.Media.AudioMuted);
            w.WriteBoolean("videoMuted", p.Media.VideoMuted);
            w.WriteBoolean("screenSharing", p.Media.ScreenSharing);
            w.WriteBoolean("connected", p.Connected);
            if (p.PublicKey is null)
            {
                w.WriteNull("publicKey");
                w.WriteNull("senderIndex");
            }
            else
            {
                w.WriteString("publicKey", p.PublicKey);
                w.WriteNumber("senderIndex", p.SenderIndex ?? 0);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Time(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Write(string type, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", ClientMessageReader.Version);
            writer.WriteString("type", type);
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
