using System.Globalization;

namespace Appliance.Core.Policy;

/// <summary>The parts of a level a change can touch: every control, and the level's labels.</summary>
public enum PolicyControl
{
    /// <summary>The level appeared in or disappeared from the set.</summary>
    Level,

    /// <summary>Names, marking texts, colour or rank: how the level is labelled, not what it allows.</summary>
    Labels,

    ApplianceMayCarry,
    EndToEndEncryptionRequired,
    Guests,
    GuestProof,
    StaffAuthentication,
    LobbyRequired,
    RecordingAllowed,
    ChatAllowed,
    ChatRetention,
    ScreenShareAllowed,
    SipDialInAllowed,
    SipDialOutAllowed,
    MaxParticipants,
    MaxDuration,
    AllowedNetworks,
    DataRetentionDays,
}

/// <summary>Which way a change moves a control.</summary>
public enum ChangeDirection
{
    /// <summary>The same as before.</summary>
    Unchanged,

    /// <summary>Allows less than before: applies at once, to running meetings too.</summary>
    Tightened,

    /// <summary>
    /// Allows more than before (or something different that is not simply less, such as another acr list or another
    /// network): needs a second security officer and applies to new meetings only.
    /// </summary>
    Loosened,

    /// <summary>Changes labels only (names, marking, colour, rank); allows neither more nor less.</summary>
    Neutral,
}

/// <summary>One changed control of one level.</summary>
/// <param name="LevelId">The level.</param>
/// <param name="Control">The control.</param>
/// <param name="Direction">Tightened, loosened or neutral (unchanged controls are not listed).</param>
/// <param name="Before">The old value as text (empty for a new level).</param>
/// <param name="After">The new value as text (empty for a removed level).</param>
public sealed record ControlChange(string LevelId, PolicyControl Control, ChangeDirection Direction, string Before, string After)
{
    /// <summary>For example "fortroligt: ScreenShareAllowed yes → no (tightened)".</summary>
    public string Description =>
        $"{LevelId}: {Control} {Show(Before)} → {Show(After)} ({Direction.ToString().ToLowerInvariant()})";

    private static string Show(string value) => value.Length == 0 ? "—" : value;
}

/// <summary>
/// What a change of the policy does, control by control: the basis for four-eyes (any loosening needs a second
/// officer), for applying tightening to running meetings, and for the history an auditor reads.
/// </summary>
public sealed record PolicyChange(IReadOnlyList<ControlChange> Changes)
{
    /// <summary>True when something allows more than before.</summary>
    public bool IsLoosening => Changes.Any(c => c.Direction == ChangeDirection.Loosened);

    /// <summary>True when something allows less than before.</summary>
    public bool IsTightening => Changes.Any(c => c.Direction == ChangeDirection.Tightened);

    /// <summary>True when nothing changed at all.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>One line per change, for the history and the approval page.</summary>
    public IReadOnlyList<string> Descriptions => [.. Changes.Select(c => c.Description)];

    /// <summary>The direction of one control of one level.</summary>
    public ChangeDirection DirectionOf(string levelId, PolicyControl control) =>
        Changes.FirstOrDefault(c => c.LevelId == levelId && c.Control == control)?.Direction ?? ChangeDirection.Unchanged;

    /// <summary>Compares two sets level by level (matched by id).</summary>
    public static PolicyChange Compare(PolicySet before, PolicySet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<ControlChange>();
        foreach (var old in before.Levels)
        {
            if (after.TryGet(old.Id, out var updated))
            {
                changes.AddRange(Compare(old, updated).Changes);
            }
            else
            {
                changes.Add(new ControlChange(old.Id, PolicyControl.Level, ChangeDirection.Tightened, old.NameIn("en"), string.Empty));
            }
        }

        foreach (var added in after.Levels.Where(l => !before.TryGet(l.Id, out _)))
        {
            // A new level that can be booked opens a door that was not there: that is a loosening.
            var direction = added.Controls.ApplianceMayCarry ? ChangeDirection.Loosened : ChangeDirection.Neutral;
            changes.Add(new ControlChange(added.Id, PolicyControl.Level, direction, string.Empty, added.NameIn("en")));
        }

        return new PolicyChange(changes);
    }

    /// <summary>Compares two versions of one level.</summary>
    public static PolicyChange Compare(PolicyLevel before, PolicyLevel after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var id = after.Id;
        var a = before.Controls;
        var b = after.Controls;
        var changes = new List<ControlChange>();

        void Add(PolicyControl control, ChangeDirection direction, object oldValue, object newValue)
        {
            if (direction != ChangeDirection.Unchanged)
            {
                changes.Add(new ControlChange(id, control, direction, Text(oldValue), Text(newValue)));
            }
        }

        var labelsSame = before.Rank == after.Rank
            && PolicyLevel.SameTexts(before.Names, after.Names)
            && PolicyLevel.SameTexts(before.Markings, after.Markings)
            && string.Equals(before.Colour, after.Colour, StringComparison.OrdinalIgnoreCase);
        if (!labelsSame)
        {
            changes.Add(new ControlChange(id, PolicyControl.Labels, ChangeDirection.Neutral, Labels(before), Labels(after)));
        }

        // For switches that allow something, true is looser; for switches that demand something, true is stricter.
        Add(PolicyControl.ApplianceMayCarry, Allows(a.ApplianceMayCarry, b.ApplianceMayCarry), a.ApplianceMayCarry, b.ApplianceMayCarry);
        Add(PolicyControl.EndToEndEncryptionRequired, Demands(a.EndToEndEncryptionRequired, b.EndToEndEncryptionRequired), a.EndToEndEncryptionRequired, b.EndToEndEncryptionRequired);
        Add(PolicyControl.Guests, Allows((int)a.Guests, (int)b.Guests), a.Guests, b.Guests);
        Add(PolicyControl.GuestProof, Demands((int)a.GuestProof, (int)b.GuestProof), a.GuestProof, b.GuestProof);
        Add(PolicyControl.StaffAuthentication, Authentication(a.StaffAuthentication, b.StaffAuthentication), a.StaffAuthentication, b.StaffAuthentication);
        Add(PolicyControl.LobbyRequired, Demands(a.LobbyRequired, b.LobbyRequired), a.LobbyRequired, b.LobbyRequired);
        Add(PolicyControl.RecordingAllowed, Allows(a.RecordingAllowed, b.RecordingAllowed), a.RecordingAllowed, b.RecordingAllowed);
        Add(PolicyControl.ChatAllowed, Allows(a.ChatAllowed, b.ChatAllowed), a.ChatAllowed, b.ChatAllowed);
        Add(PolicyControl.ChatRetention, Allows(a.ChatRetention, b.ChatRetention), a.ChatRetention, b.ChatRetention);
        Add(PolicyControl.ScreenShareAllowed, Allows(a.ScreenShareAllowed, b.ScreenShareAllowed), a.ScreenShareAllowed, b.ScreenShareAllowed);
        Add(PolicyControl.SipDialInAllowed, Allows(a.SipDialInAllowed, b.SipDialInAllowed), a.SipDialInAllowed, b.SipDialInAllowed);
        Add(PolicyControl.SipDialOutAllowed, Allows(a.SipDialOutAllowed, b.SipDialOutAllowed), a.SipDialOutAllowed, b.SipDialOutAllowed);
        Add(PolicyControl.MaxParticipants, Allows(a.MaxParticipants, b.MaxParticipants), a.MaxParticipants, b.MaxParticipants);
        Add(PolicyControl.MaxDuration, Allows(a.MaxDuration, b.MaxDuration), a.MaxDuration, b.MaxDuration);
        Add(PolicyControl.AllowedNetworks, Networks(a.AllowedNetworks, b.AllowedNetworks), a.AllowedNetworks, b.AllowedNetworks);
        Add(PolicyControl.DataRetentionDays, Allows(a.DataRetentionDays, b.DataRetentionDays), a.DataRetentionDays, b.DataRetentionDays);
        return new PolicyChange(changes);
    }

    /// <summary>
    /// For values where more is more permissive: more participants, longer meetings, and longer retention (keeping
    /// data longer is the looser choice for the people in the meeting).
    /// </summary>
    private static ChangeDirection Allows<T>(T before, T after)
        where T : IComparable<T>
    {
        var order = after.CompareTo(before);
        return order == 0 ? ChangeDirection.Unchanged : order > 0 ? ChangeDirection.Loosened : ChangeDirection.Tightened;
    }

    private static ChangeDirection Demands<T>(T before, T after)
        where T : IComparable<T>
    {
        var order = after.CompareTo(before);
        return order == 0 ? ChangeDirection.Unchanged : order > 0 ? ChangeDirection.Tightened : ChangeDirection.Loosened;
    }

    /// <summary>
    /// Only a list inside the old one is a tightening; a list that admits any address the old one did not, even while
    /// dropping others, lets someone new in and so counts as a loosening.
    /// </summary>
    private static ChangeDirection Networks(ClientNetworks before, ClientNetworks after) =>
        before.Equals(after) ? ChangeDirection.Unchanged
        : after.IsWithin(before) ? ChangeDirection.Tightened
        : ChangeDirection.Loosened;

    private static ChangeDirection Authentication(AuthenticationStrength before, AuthenticationStrength after)
    {
        if (before.Equals(after))
        {
            return ChangeDirection.Unchanged;
        }

        // Stricter means: the new requirement equals the combination of both, i.e. everyone who meets it met the old one.
        return after.Equals(before.Stricter(after)) ? ChangeDirection.Tightened : ChangeDirection.Loosened;
    }

    private static string Labels(PolicyLevel level) =>
        string.Create(CultureInfo.InvariantCulture, $"{level.NameIn("en")} / {level.MarkingIn("da")} / {level.MarkingIn("sv")} {level.Colour} rank {level.Rank}");

    private static string Text(object value) => value switch
    {
        bool b => b ? "yes" : "no",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
