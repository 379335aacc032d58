using System.Collections.Frozen;
using System.Text.Json;
using Appliance.Core.Identity;
using Appliance.Core.Rooms;
using Appliance.Crypto;

namespace Appliance.Host.Signalling;

/// <summary>What became of one incoming message: a valid message, or an error code with the field it concerns.</summary>
internal sealed record ReadResult(ClientMessage? Message, string? Error, string? Field, string? Type, string? Id)
{
    public static ReadResult Ok(ClientMessage message) => new(message, null, null, message.Type, message.Id);

    public static ReadResult Fail(string error, string? field = null, string? type = null, string? id = null) => new(null, error, field, type, id);
}

/// <summary>
/// Reads client messages strictly: one JSON object, version 1, a known type, exactly the fields that type has (no
/// unknown, missing, repeated, wrongly typed or oversized ones). Anything else is an error code, never an exception.
/// </summary>
internal static class ClientMessageReader
{
    /// <summary>The protocol version this server speaks.</summary>
    public const int Version = 1;

    /// <summary>No message may be larger (bytes of UTF-8 JSON).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Chat messages are smaller: 2,000 characters even when every one is escaped, and the envelope.</summary>
    public const int MaxChatBytes = 16 * 1024;

    /// <summary>Most messages are a few fields.</summary>
    public const int MaxSmallBytes = 1024;

    /// <summary>An SDP answer, in characters.</summary>
    public const int MaxSdpLength = 60_000;

    private const int MaxIdLength = 64;

    /// <summary>An X25519 public key: 32 bytes, 43 characters of unpadded base64url.</summary>
    public const int PublicKeyBytes = 32;

    /// <summary>
    /// A sealed sender key: HPKE enc (32) + ciphertext of a 32-byte key (32) + tag (16) = 80 bytes; room for other key
    /// sizes, but not for using the relay as a data channel.
    /// </summary>
    public const int MaxSealedKeyBytes = 256;

    /// <summary>The smallest sealed key: enc and tag around at least one byte.</summary>
    public const int MinSealedKeyBytes = 32 + 16 + 1;

    /// <summary>
    /// Sealed chat: the SFrame header (at most 17 bytes), 2,000 characters of UTF-8 (at most 6,000 bytes) and the tag,
    /// rounded up.
    /// </summary>
    public const int MaxSealedChatBytes = 8192;

    /// <summary>Sender key generations go up by one per roster change; far beyond any meeting, still a safe integer in JS.</summary>
    public const long MaxGeneration = int.MaxValue;

    // SHA-256 in SDP form: 32 hex pairs joined by ':'.
    private const int FingerprintBytes = 32;
    private const int FingerprintLength = (FingerprintBytes * 3) - 1;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 4, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The wire names of the lobby message codes.</summary>
    public static readonly FrozenDictionary<string, LobbyMessageCode> LobbyCodes = new Dictionary<string, LobbyMessageCode>(StringComparer.Ordinal)
    {
        ["here"] = LobbyMessageCode.Here,
        ["late"] = LobbyMessageCode.Late,
        ["novideo"] = LobbyMessageCode.NoVideo,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Shape> Shapes = new Shape[]
    {
        new("hello", 4096, [Field.Text("ticket", required: false, 2048, IsTicket), Field.Text("resume", required: false, 43, SecretToken.LooksValid), Field.Number("lastChat", required: false, 0, long.MaxValue), Field.Text("dtlsFingerprint", required: false, FingerprintLength, IsFingerprint), Field.Text("e2eePublicKey", required: false, Base64UrlLength(PublicKeyBytes), IsPublicKey)], Hello),
        new("answer", MaxMessageBytes, [Field.Number("revision", required: true, 1, long.MaxValue), Field.Text("sdp", required: true, MaxSdpLength, IsSdp)], f => new AnswerMessage(f.Number("revision"), f.Text("sdp"))),
        new("chat", MaxChatBytes, [Field.Text("text", required: false, RoomLimits.Default.MaxChatLength, allowEmpty: true), Field.Text("sealed", required: false, Base64UrlLength(MaxSealedChatBytes), s => IsBase64Url(s, 1, MaxSealedChatBytes))], Chat),
        new("e2ee-key", MaxSmallBytes, [ParticipantField("to"), Field.Number("gen", required: true, 0, MaxGeneration), Field.Text("sealed", required: true, Base64UrlLength(MaxSealedKeyBytes), s => IsBase64Url(s, MinSealedKeyBytes, MaxSealedKeyBytes))], f => new SenderKeyMessage(f.Text("to"), f.Number("gen"), f.Text("sealed"))),
        new("hand", MaxSmallBytes, [Field.Flag("raised")], f => new HandMessage(f.Flag("raised"))),
        new("media-state", MaxSmallBytes, [Field.Flag("audioMuted"), Field.Flag("videoMuted"), Field.Flag("screenSharing")], f => new MediaStateMessage(new MediaState(f.Flag("audioMuted"), f.Flag("videoMuted"), f.Flag("screenSharing")))),
        new("lobby-message", MaxSmallBytes, [Field.Text("code", required: true, 16, c => LobbyCodes.ContainsKey(c))], f => new LobbyNoteMessage(LobbyCodes[f.Text("code")])),
        new("admit", MaxSmallBytes, [ParticipantField()], f => new HostActionMessage(HostAction.Admit, f.Text("participantId"))),
        new("reject", MaxSmallBytes, [ParticipantField()], f => new HostActionMessage(HostAction.Reject, f.Text("participantId"))),
        new("remove", MaxSmallBytes, [ParticipantField()], f => new HostActionMessage(HostAction.Remove, f.Text("participantId"))),
        new("ask-unmute", MaxSmallBytes, [ParticipantField()], f => new HostActionMessage(HostAction.AskUnmute, f.Text("participantId"))),
        new("lock", MaxSmallBytes, [Field.Flag("locked")], f => new LockMessage(f.Flag("locked"))),
        new("end", MaxSmallBytes, [], _ => new EndMessage()),
        new("leave", MaxSmallBytes, [], _ => new LeaveMessage()),
        new("roster-request", MaxSmallBytes, [], _ => new RosterRequestMessage()),
        new("ping", MaxSmallBytes, [], _ => new PingMessage()),
    }.ToFrozenDictionary(s => s.Type, StringComparer.Ordinal);

    /// <summary>The types a client may send.</summary>
    public static IEnumerable<string> Types => Shapes.Keys;

    /// <summary>Reads one text message (UTF-8 JSON).</summary>
    public static ReadResult Read(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxMessageBytes)
        {
            return ReadResult.Fail(SignalErrors.TooLarge);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray(), Options);
        }
        catch (JsonException)
        {
            return ReadResult.Fail(SignalErrors.BadJson);
        }

        using (document)
        {
            return Read(document.RootElement, utf8.Length);
        }
    }

    private static ReadResult Read(JsonElement root, int length)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ReadResult.Fail(SignalErrors.BadJson);
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            // JsonDocument keeps both of a repeated name; which one counts would depend on the reader.
            if (!properties.TryAdd(property.Name, property.Value))
            {
                return ReadResult.Fail(SignalErrors.BadJson, Printable(property.Name));
            }
        }

        // The id first, so that every later error can name the message it is about.
        string? id = null;
        if (properties.TryGetValue("id", out var idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String || !IsClientId(idElement.GetString()))
            {
                return ReadResult.Fail(SignalErrors.InvalidField, "id");
            }

            id = idElement.GetString();
        }

        if (!properties.TryGetValue("v", out var version))
        {
            return ReadResult.Fail(SignalErrors.MissingField, "v", id: id);
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != Version)
        {
            return ReadResult.Fail(SignalErrors.UnsupportedVersion, "v", id: id);
        }

        if (!properties.TryGetValue("type", out var typeElement))
        {
            return ReadResult.Fail(SignalErrors.MissingField, "type", id: id);
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return ReadResult.Fail(SignalErrors.InvalidField, "type", id: id);
        }

        var type = typeElement.GetString()!;
        if (!Shapes.TryGetValue(type, out var shape))
        {
            return ReadResult.Fail(SignalErrors.UnknownType, "type", id: id);
        }

        if (length > shape.MaxBytes)
        {
            return ReadResult.Fail(SignalErrors.TooLarge, type: type, id: id);
        }

        foreach (var name in properties.Keys)
        {
            if (name is not ("v" or "type" or "id") && !shape.Fields.Any(f => f.Name == name))
            {
                return ReadResult.Fail(SignalErrors.UnknownField, Printable(name), type, id);
            }
        }

        var values = new FieldValues();
        foreach (var field in shape.Fields)
        {
            if (!properties.TryGetValue(field.Name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (field.Required)
                {
                    return ReadResult.Fail(SignalErrors.MissingField, field.Name, type, id);
                }

                continue;
            }

            if (!field.TryRead(element, values))
            {
                return ReadResult.Fail(SignalErrors.InvalidField, field.Name, type, id);
            }
        }

        var message = shape.Build(values);
        return message is null
            ? ReadResult.Fail(SignalErrors.InvalidField, shape.Fields.Count > 0 ? shape.Fields[0].Name : null, type, id)
            : ReadResult.Ok(message with { Id = id });
    }

    // Exactly one of ticket and resume.
    private static HelloMessage? Hello(FieldValues values)
    {
        var ticket = values.OptionalText("ticket");
        var resume = values.OptionalText("resume");
        return (ticket is null) == (resume is null) ? null : new HelloMessage(ticket, resume, values.OptionalNumber("lastChat"), values.OptionalText("dtlsFingerprint"), values.OptionalText("e2eePublicKey"));
    }

    // Exactly one of text and sealed.
    private static ChatSendMessage? Chat(FieldValues values)
    {
        var text = values.OptionalText("text");
        var sealedText = values.OptionalText("sealed");
        return (text is null) == (sealedText is null) ? null : new ChatSendMessage(text, sealedText);
    }

    /// <summary>The characters of unpadded base64url for that many bytes.</summary>
    public static int Base64UrlLength(int bytes) => ((bytes * 4) + 2) / 3;

    /// <summary>
    /// True for canonical unpadded base64url of <paramref name="minBytes"/> to <paramref name="maxBytes"/> bytes: only the
    /// alphabet, no padding, no length that no byte count gives, no stray bits in the last character (so that one value
    /// has exactly one spelling).
    /// </summary>
    public static bool IsBase64Url(string text, int minBytes, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length % 4 == 1 || text.Length < Base64UrlLength(minBytes) || text.Length > Base64UrlLength(maxBytes))
        {
            return false;
        }

        var last = 0;
        foreach (var c in text)
        {
            last = Base64UrlValue(c);
            if (last < 0)
            {
                return false;
            }
        }

        // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
        var spareBits = (text.Length % 4) switch { 2 => 4, 3 => 2, _ => 0 };
        return (last & ((1 << spareBits) - 1)) == 0;
    }

    /// <summary>True for an X25519 public key in base64url: 32 bytes, canonical, not all zero.</summary>
    public static bool IsPublicKey(string text) =>
        text.Length == Base64UrlLength(PublicKeyBytes) && IsBase64Url(text, PublicKeyBytes, PublicKeyBytes) && text.Any(c => c != 'A');

    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };

    /// <summary>True for a SHA-256 fingerprint as SDP writes it ("AB:CD:…", 32 bytes; either case).</summary>
    public static bool IsFingerprint(string fingerprint)
    {
        if (fingerprint.Length != FingerprintLength)
        {
            return false;
        }

        for (var i = 0; i < fingerprint.Length; i++)
        {
            var ok = i % 3 == 2 ? fingerprint[i] == ':' : char.IsAsciiHexDigit(fingerprint[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Field ParticipantField(string name = "participantId") => Field.Text(name, required: true, 26, Ids.LooksValid);

    // Data protection output: base64url.
    private static bool IsTicket(string ticket) =>
        ticket.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    // SDP is text lines; anything else (NUL, other controls) has no business in it.
    private static bool IsSdp(string sdp) =>
        sdp.Length > 0 && sdp.All(c => c is '\r' or '\n' or '\t' || (c >= ' ' && c != '\u007F' && !char.IsSurrogate(c) && c < '\u0080'));

    // A name the client made up is echoed in the error and logged: only short plain names, anything else is not repeated.
    private static string Printable(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? name : "?";

    private static bool IsClientId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private sealed record Shape(string Type, int MaxBytes, IReadOnlyList<Field> Fields, Func<FieldValues, ClientMessage?> Build);

    private enum FieldKind
    {
        Text,
        Number,
        Flag,
    }

    private sealed record Field(string Name, FieldKind Kind, bool Required, int MaxLength, long Min, long Max, Func<string, bool>? Valid, bool AllowEmpty)
    {
        public static Field Text(string name, bool required, int maxLength, Func<string, bool>? valid = null, bool allowEmpty = false) =>
            new(name, FieldKind.Text, required, maxLength, 0, 0, valid, allowEmpty);

        public static Field Number(string name, bool required, long min, long max) => new(name, FieldKind.Number, required, 0, min, max, null, false);

        public static Field Flag(string name) => new(name, FieldKind.Flag, true, 0, 0, 0, null, false);

        public bool TryRead(JsonElement element, FieldValues values)
        {
            switch (Kind)
            {
                case FieldKind.Text:
                    if (element.ValueKind != JsonValueKind.String)
                    {
                        return false;
                    }

                    string text;
                    try
                    {
                        text = element.GetString()!;
                    }
                    catch (InvalidOperationException)
                    {
                        // An escaped lone surrogate ("\ud800") cannot become a .NET string.
                        return false;
                    }

                    if (text.Length > MaxLength || (!AllowEmpty && text.Length == 0) || (Valid is not null && !Valid(text)))
                    {
                        return false;
                    }

                    values.Texts[Name] = text;
                    return true;
                case FieldKind.Number:
                    if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var number) || number < Min || number > Max)
                    {
                        return false;
                    }

                    values.Numbers[Name] = number;
                    return true;
                case FieldKind.Flag:
                    if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return false;
                    }

                    values.Flags[Name] = element.GetBoolean();
                    return true;
                default:
                    return false;
            }
        }
    }

    private sealed class FieldValues
    {
        public Dictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Numbers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, bool> Flags { get; } = new(StringComparer.Ordinal);

        public string Text(string name) => Texts[name];

        public string? OptionalText(string name) => Texts.GetValueOrDefault(name);

        public long Number(string name) => Numbers[name];

        public long? OptionalNumber(string name) => Numbers.TryGetValue(name, out var n) ? n : null;

        public bool Flag(string name) => Flags[name];
    }
}
