using System.Globalization;
using Appliance.Core.Localization;
using Appliance.Core.Policy;

namespace Appliance.AdminUi.Policies;

/// <summary>A form error: the field it belongs to (an element id, for the error summary's link) and the message.</summary>
/// <param name="FieldId">The id of the input.</param>
/// <param name="Message">The translated message.</param>
public sealed record FieldError(string FieldId, string Message);

/// <summary>
/// The edit form of one level as posted: every control as text, so that whatever is typed can be answered with a
/// message naming the field rather than a binding failure. Durations are whole hours (chat) and minutes (meetings).
/// </summary>
public sealed class LevelForm
{
    public string? LevelId { get; set; }

    public string? MayCarry { get; set; }

    public string? EndToEnd { get; set; }

    public string? Guests { get; set; }

    public string? GuestProof { get; set; }

    public string? StaffAuthentication { get; set; }

    public string? Acr { get; set; }

    public string? Lobby { get; set; }

    public string? Recording { get; set; }

    public string? Chat { get; set; }

    public string? ChatRetentionHours { get; set; }

    public string? ScreenShare { get; set; }

    public string? SipDialIn { get; set; }

    public string? SipDialOut { get; set; }

    public string? MaxParticipants { get; set; }

    public string? MaxDurationMinutes { get; set; }

    public string? Networks { get; set; }

    public string? DataRetentionDays { get; set; }

    public string? Comment { get; set; }

    /// <summary>The form filled with a level's controls as they stand.</summary>
    public static LevelForm From(PolicyLevel level)
    {
        ArgumentNullException.ThrowIfNull(level);
        var c = level.Controls;
        return new LevelForm
        {
            LevelId = level.Id,
            MayCarry = YesNo(c.ApplianceMayCarry),
            EndToEnd = YesNo(c.EndToEndEncryptionRequired),
            Guests = c.Guests.ToString(),
            GuestProof = c.GuestProof.ToString(),
            StaffAuthentication = c.StaffAuthentication.Level.ToString(),
            Acr = string.Join('\n', c.StaffAuthentication.AcceptedAcrValues),
            Lobby = YesNo(c.LobbyRequired),
            Recording = YesNo(c.RecordingAllowed),
            Chat = YesNo(c.ChatAllowed),
            ChatRetentionHours = ((long)c.ChatRetention.TotalHours).ToString(CultureInfo.InvariantCulture),
            ScreenShare = YesNo(c.ScreenShareAllowed),
            SipDialIn = YesNo(c.SipDialInAllowed),
            SipDialOut = YesNo(c.SipDialOutAllowed),
            MaxParticipants = c.MaxParticipants.ToString(CultureInfo.InvariantCulture),
            MaxDurationMinutes = ((long)c.MaxDuration.TotalMinutes).ToString(CultureInfo.InvariantCulture),
            Networks = string.Join('\n', c.AllowedNetworks.Networks),
            DataRetentionDays = c.DataRetentionDays.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The controls the form asks for; null with <paramref name="errors"/> filled when something is not valid.</summary>
    public PolicyControls? ToControls(Texts texts, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var mayCarry = Bool(MayCarry, "mayCarry", PolicyControl.ApplianceMayCarry);
        var endToEnd = Bool(EndToEnd, "endToEnd", PolicyControl.EndToEndEncryptionRequired);
        var guests = Choice<GuestAccess>(Guests, "guests", PolicyControl.Guests);
        var proof = Choice<GuestProof>(GuestProof, "guestProof", PolicyControl.GuestProof);
        var staff = Choice<AuthenticationLevel>(StaffAuthentication, "staffAuthentication", PolicyControl.StaffAuthentication);
        var lobby = Bool(Lobby, "lobby", PolicyControl.LobbyRequired);
        var recording = Bool(Recording, "recording", PolicyControl.RecordingAllowed);
        var chat = Bool(Chat, "chat", PolicyControl.ChatAllowed);
        var screen = Bool(ScreenShare, "screenShare", PolicyControl.ScreenShareAllowed);
        var sipIn = Bool(SipDialIn, "sipDialIn", PolicyControl.SipDialInAllowed);
        var sipOut = Bool(SipDialOut, "sipDialOut", PolicyControl.SipDialOutAllowed);
        var participants = Number(MaxParticipants, "maxParticipants", PolicyControl.MaxParticipants, 2, 1000);
        var minutes = Number(MaxDurationMinutes, "maxDuration", PolicyControl.MaxDuration, 5, 1440);
        var days = Number(DataRetentionDays, "dataRetention", PolicyControl.DataRetentionDays, 0, 3650);
        var hours = Number(ChatRetentionHours, "chatRetention", PolicyControl.ChatRetention, 0, days * 24);

        var acr = Split(Acr);
        foreach (var value in acr.Where(a => a.Length > 200 || a.Any(ch => ch < '!' || ch > '~')))
        {
            errors.Add(new FieldError("acr", texts.Format("admin.policy.invalid.acr", value)));
        }

        var networks = new List<ClientNetwork>();
        foreach (var text in Split(Networks))
        {
            if (ClientNetwork.TryParse(text, out var network, out _))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add(new FieldError("networks", texts.Format("admin.policy.invalid.network", text)));
            }
        }

        if (networks.Count == 0 && !errors.Any(e => e.FieldId == "networks"))
        {
            errors.Add(new FieldError("networks", texts["admin.policy.invalid.networks.empty"]));
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new PolicyControls
        {
            ApplianceMayCarry = mayCarry,
            EndToEndEncryptionRequired = endToEnd,
            Guests = guests,
            GuestProof = proof,
            StaffAuthentication = new AuthenticationStrength(staff, acr),
            LobbyRequired = lobby,
            RecordingAllowed = recording,
            ChatAllowed = chat,
            ChatRetention = TimeSpan.FromHours(hours),
            ScreenShareAllowed = screen,
            SipDialInAllowed = sipIn,
            SipDialOutAllowed = sipOut,
            MaxParticipants = participants,
            MaxDuration = TimeSpan.FromMinutes(minutes),
            AllowedNetworks = new ClientNetworks(networks),
            DataRetentionDays = days,
        };

        bool Bool(string? value, string field, PolicyControl control)
        {
            switch (value)
            {
                case "yes":
                    return true;
                case "no":
                    return false;
                default:
                    errors.Add(new FieldError(field, texts.Format("admin.policy.invalid.choice", PolicyTexts.Label(texts, control))));
                    return false;
            }
        }

        T Choice<T>(string? value, string field, PolicyControl control)
            where T : struct, Enum
        {
            // Names only: a number would bind to any value of the enum, defined or not.
            if (value is not null && !int.TryParse(value, out _) && Enum.TryParse<T>(value, out var parsed) && Enum.IsDefined(parsed))
            {
                return parsed;
            }

            errors.Add(new FieldError(field, texts.Format("admin.policy.invalid.choice", PolicyTexts.Label(texts, control))));
            return default;
        }

        int Number(string? value, string field, PolicyControl control, int minimum, int maximum)
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum)
            {
                return number;
            }

            errors.Add(new FieldError(field, texts.Format("admin.policy.invalid.range", PolicyTexts.Label(texts, control), minimum, maximum)));
            return minimum;
        }
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static List<string> Split(string? text) =>
        [.. (text ?? string.Empty).Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
