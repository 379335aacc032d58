using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>
/// The error codes of the protocol (PROTOCOL.md lists them with their meaning). Each has a text per language under
/// "signal.error.&lt;code&gt;".
/// </summary>
internal static class SignalErrors
{
    // The message itself is wrong: counted towards the limit of invalid messages.
    public const string BadJson = "bad-json";
    public const string BinaryFrame = "binary-frame";
    public const string TooLarge = "too-large";
    public const string UnsupportedVersion = "unsupported-version";
    public const string UnknownType = "unknown-type";
    public const string MissingField = "missing-field";
    public const string UnknownField = "unknown-field";
    public const string InvalidField = "invalid-field";
    public const string HelloRequired = "hello-required";
    public const string AlreadyJoined = "already-joined";
    public const string RateLimited = "rate-limited";
    public const string NotAllowed = "not-allowed";

    // The message is fine but the room refused it (state changed meanwhile, a rule): not counted.
    public const string NotInLobby = "not-in-lobby";
    public const string NotAdmitted = "not-admitted";
    public const string UnknownParticipant = "unknown-participant";
    public const string NotOnSelf = "not-on-self";
    public const string NotOnHost = "not-on-host";
    public const string InvalidText = "invalid-text";
    public const string TextTooLong = "text-too-long";
    public const string NotInRoom = "not-in-room";
    public const string NoOffer = "no-offer";

    // The classification policy refused (audited); the error's message is the policy's reason. On a hello the
    // connection is then closed.
    public const string PolicyDenied = "policy-denied";

    // Entering failed: the connection is closed after the error.
    public const string InvalidTicket = "invalid-ticket";
    public const string InvalidResume = "invalid-resume";
    public const string HelloTimeout = "hello-timeout";
    public const string MeetingCancelled = "meeting-cancelled";
    public const string MeetingEnded = "meeting-ended";
    public const string MeetingOver = "meeting-over";
    public const string TooEarly = "too-early";
    public const string MeetingLocked = "meeting-locked";
    public const string MeetingFull = "meeting-full";
    public const string Refused = "refused";

    // The connection ends for another reason.
    public const string Replaced = "replaced";
    public const string TooManyInvalid = "too-many-invalid";
    public const string ServerError = "server-error";

    /// <summary>Every code, for the text tables' completeness test.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        BadJson, BinaryFrame, TooLarge, UnsupportedVersion, UnknownType, MissingField, UnknownField, InvalidField, HelloRequired,
        AlreadyJoined, RateLimited, NotAllowed, NotInLobby, NotAdmitted, UnknownParticipant, NotOnSelf, NotOnHost, InvalidText,
        TextTooLong, NotInRoom, NoOffer, InvalidTicket, InvalidResume, HelloTimeout, MeetingCancelled, MeetingEnded, MeetingOver,
        TooEarly, MeetingLocked, MeetingFull, Refused, Replaced, TooManyInvalid, ServerError, PolicyDenied,
    ];

    /// <summary>The text key of a code.</summary>
    public static string TextKey(string code) => "signal.error." + code;

    /// <summary>The code for a room's refusal.</summary>
    public static string Of(RoomRefusal refusal) =>
#pragma warning disable CS8524 // Every named refusal is mapped: a new one must break the build here.
        refusal switch
        {
            RoomRefusal.MeetingCancelled => MeetingCancelled,
            RoomRefusal.MeetingEnded => MeetingEnded,
            RoomRefusal.MeetingOver => MeetingOver,
            RoomRefusal.TooEarly => TooEarly,
            RoomRefusal.Locked => MeetingLocked,
            RoomRefusal.Full => MeetingFull,
            RoomRefusal.Refused => Refused,
            RoomRefusal.UnknownResumeToken => InvalidResume,
            RoomRefusal.NotInRoom => NotInRoom,
            RoomRefusal.NotHost => NotAllowed,
            RoomRefusal.UnknownParticipant => UnknownParticipant,
            RoomRefusal.NotInLobby => NotInLobby,
            RoomRefusal.NotAdmitted => NotAdmitted,
            RoomRefusal.NotOnSelf => NotOnSelf,
            RoomRefusal.NotOnHost => NotOnHost,
            RoomRefusal.RateLimited => RateLimited,
            RoomRefusal.InvalidText => InvalidText,
            RoomRefusal.TextTooLong => TextTooLong,
        };
#pragma warning restore CS8524

    /// <summary>
    /// True for refusals no honest client provokes (a participant sending host actions): they count as invalid messages.
    /// </summary>
    public static bool CountsAsInvalid(RoomRefusal refusal) => refusal == RoomRefusal.NotHost;
}
