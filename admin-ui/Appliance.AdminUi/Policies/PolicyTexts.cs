using System.Globalization;
using Appliance.Core.Localization;
using Appliance.Core.Policy;

namespace Appliance.AdminUi.Policies;

/// <summary>Controls, values and changes of the policy in the reader's language.</summary>
public static class PolicyTexts
{
    /// <summary>The order in which the controls are shown and edited.</summary>
    public static IReadOnlyList<PolicyControl> Controls { get; } =
    [
        PolicyControl.ApplianceMayCarry, PolicyControl.EndToEndEncryptionRequired, PolicyControl.Guests, PolicyControl.GuestProof,
        PolicyControl.StaffAuthentication, PolicyControl.LobbyRequired, PolicyControl.RecordingAllowed, PolicyControl.ChatAllowed,
        PolicyControl.ChatRetention, PolicyControl.ScreenShareAllowed, PolicyControl.SipDialInAllowed, PolicyControl.SipDialOutAllowed,
        PolicyControl.MaxParticipants, PolicyControl.MaxDuration, PolicyControl.AllowedNetworks, PolicyControl.DataRetentionDays,
    ];

    /// <summary>The control's name.</summary>
    public static string Label(Texts texts, PolicyControl control)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts["policy.control." + control];
    }

    /// <summary>A level's control as a reader says it ("Yes", "Via the lobby", "4 hours", "10.0.0.0/8, fc00::/7").</summary>
    public static string Value(Texts texts, PolicyControls controls, PolicyControl control)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(controls);
        return control switch
        {
            PolicyControl.ApplianceMayCarry => YesNo(texts, controls.ApplianceMayCarry),
            PolicyControl.EndToEndEncryptionRequired => YesNo(texts, controls.EndToEndEncryptionRequired),
            PolicyControl.Guests => texts["policy.value." + controls.Guests],
            PolicyControl.GuestProof => texts["policy.value." + controls.GuestProof],
            PolicyControl.StaffAuthentication => texts["policy.value." + controls.StaffAuthentication.Level]
                + (controls.StaffAuthentication.AcceptedAcrValues.Count == 0 ? string.Empty : " (acr: " + string.Join(", ", controls.StaffAuthentication.AcceptedAcrValues) + ")"),
            PolicyControl.LobbyRequired => YesNo(texts, controls.LobbyRequired),
            PolicyControl.RecordingAllowed => YesNo(texts, controls.RecordingAllowed),
            PolicyControl.ChatAllowed => YesNo(texts, controls.ChatAllowed),
            PolicyControl.ChatRetention => texts.Format("policy.value.hours", ((long)controls.ChatRetention.TotalHours).ToString(CultureInfo.CurrentCulture)),
            PolicyControl.ScreenShareAllowed => YesNo(texts, controls.ScreenShareAllowed),
            PolicyControl.SipDialInAllowed => YesNo(texts, controls.SipDialInAllowed),
            PolicyControl.SipDialOutAllowed => YesNo(texts, controls.SipDialOutAllowed),
            PolicyControl.MaxParticipants => controls.MaxParticipants.ToString(CultureInfo.CurrentCulture),
            PolicyControl.MaxDuration => texts.Format("policy.value.minutes", ((long)controls.MaxDuration.TotalMinutes).ToString(CultureInfo.CurrentCulture)),
            PolicyControl.AllowedNetworks => controls.AllowedNetworks.Networks.Count == 0 ? texts["policy.value.nobody"] : controls.AllowedNetworks.ToString(),
            PolicyControl.DataRetentionDays => texts.Format("policy.value.days", controls.DataRetentionDays.ToString(CultureInfo.CurrentCulture)),
            PolicyControl.Level or PolicyControl.Labels => string.Empty,
            _ => string.Empty,
        };
    }

    /// <summary>One line of a diff: "Confidential – Screen sharing: yes → no (tightened)".</summary>
    public static string Change(Texts texts, PolicySet? set, ControlChange change, string language)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(change);
        var level = set is not null && set.TryGet(change.LevelId, out var found) ? found.NameIn(language) : change.LevelId;
        return string.Format(
            CultureInfo.CurrentCulture,
            texts["admin.policy.change"],
            level,
            Label(texts, change.Control),
            Raw(texts, change.Before),
            Raw(texts, change.After),
            texts["policy.direction." + change.Direction]);
    }

    // The diff keeps values as invariant text (its stored form); the few words in it are translated, the rest shown as is.
    private static string Raw(Texts texts, string value) => value switch
    {
        "" => "—",
        "yes" => texts["common.yes"],
        "no" => texts["common.no"],
        _ when !char.IsAsciiDigit(value[0]) && Enum.TryParse<GuestAccess>(value, out _) || (!char.IsAsciiDigit(value[0]) && Enum.TryParse<GuestProof>(value, out _)) => texts["policy.value." + value],
        _ => value,
    };

    private static string YesNo(Texts texts, bool value) => value ? texts["common.yes"] : texts["common.no"];
}
