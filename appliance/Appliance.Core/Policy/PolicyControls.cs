namespace Appliance.Core.Policy;

/// <summary>Whether and how people without a staff account may take part. Ordered from strictest to loosest.</summary>
public enum GuestAccess
{
    /// <summary>No guests at all.</summary>
    None,

    /// <summary>Guests wait in the lobby until a host admits them.</summary>
    ViaLobby,

    /// <summary>Guests enter directly (unless <see cref="PolicyControls.LobbyRequired"/> sends everyone to the lobby).</summary>
    Direct,
}

/// <summary>What a guest must show to enter. Ordered from loosest to strictest.</summary>
public enum GuestProof
{
    /// <summary>The invitation link alone.</summary>
    Link,

    /// <summary>The invitation link and the PIN sent by another channel.</summary>
    LinkAndPin,

    /// <summary>Guests must sign in with the agency's (or a federated) OpenID provider; links alone open nothing.</summary>
    StaffOidc,
}

/// <summary>How strongly a staff member proved who they are. Ordered from weakest to strongest.</summary>
public enum AuthenticationLevel
{
    /// <summary>One factor, typically a password.</summary>
    Password,

    /// <summary>More than one factor (password and TOTP, a smart card with PIN, a security key).</summary>
    Mfa,
}

/// <summary>
/// The minimum staff authentication a level requires: a level and, optionally, the OIDC <c>acr</c> values of which the
/// sign-in must carry one (for example an eIDAS or MitID assurance level the agency's IdP reports).
/// </summary>
public sealed record AuthenticationStrength
{
    /// <summary>Creates a requirement; acr values are compared ordinally and kept sorted.</summary>
    public AuthenticationStrength(AuthenticationLevel level, IEnumerable<string>? acceptedAcrValues = null)
    {
        Level = level;
        AcceptedAcrValues = [.. (acceptedAcrValues ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>A password is enough.</summary>
    public static AuthenticationStrength Password { get; } = new(AuthenticationLevel.Password);

    /// <summary>Multi-factor authentication, any acr.</summary>
    public static AuthenticationStrength Mfa { get; } = new(AuthenticationLevel.Mfa);

    /// <summary>The weakest authentication level accepted.</summary>
    public AuthenticationLevel Level { get; }

    /// <summary>When not empty, the sign-in's acr must be one of these.</summary>
    public IReadOnlyList<string> AcceptedAcrValues { get; }

    /// <summary>True when the actor's sign-in meets this requirement.</summary>
    public bool IsMetBy(AuthenticationLevel level, string? acr) =>
        level >= Level && (AcceptedAcrValues.Count == 0 || (acr is not null && AcceptedAcrValues.Contains(acr, StringComparer.Ordinal)));

    /// <summary>
    /// The requirement that demands both: the higher level, and an acr in both lists. Disjoint acr lists give a
    /// requirement nobody meets, which is the honest result of combining them.
    /// </summary>
    public AuthenticationStrength Stricter(AuthenticationStrength other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var level = (AuthenticationLevel)Math.Max((int)Level, (int)other.Level);
        IEnumerable<string> acr = (AcceptedAcrValues.Count, other.AcceptedAcrValues.Count) switch
        {
            (0, _) => other.AcceptedAcrValues,
            (_, 0) => AcceptedAcrValues,
            _ => AcceptedAcrValues.Intersect(other.AcceptedAcrValues, StringComparer.Ordinal).DefaultIfEmpty(NoAcrMatches),
        };
        return new AuthenticationStrength(level, acr);
    }

    /// <summary>An acr value no provider sends, standing for "no acr is accepted".</summary>
    internal const string NoAcrMatches = "urn:appliance:acr:none";

    /// <inheritdoc />
    public bool Equals(AuthenticationStrength? other) =>
        other is not null && Level == other.Level && AcceptedAcrValues.SequenceEqual(other.AcceptedAcrValues, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Level, AcceptedAcrValues.Count);

    /// <summary>For example "mfa (acr: substantial, high)".</summary>
    public override string ToString() =>
        (Level == AuthenticationLevel.Mfa ? "mfa" : "password") + (AcceptedAcrValues.Count == 0 ? string.Empty : $" (acr: {string.Join(", ", AcceptedAcrValues)})");

    /// <summary>
    /// Reads the authentication level from OIDC <c>amr</c> values (RFC 8176): "mfa" itself, or two distinct factor
    /// kinds (something known, something had, something one is).
    /// </summary>
    public static AuthenticationLevel LevelFromAmr(IEnumerable<string>? amr)
    {
        var values = (amr ?? []).ToHashSet(StringComparer.Ordinal);
        if (values.Contains("mfa"))
        {
            return AuthenticationLevel.Mfa;
        }

        var knows = values.Overlaps(["pwd", "pin", "kba"]);
        var has = values.Overlaps(["otp", "hwk", "swk", "sc", "sms", "tel"]);
        var @is = values.Overlaps(["fpt", "face", "iris", "retina", "vbm"]);
        return (knows ? 1 : 0) + (has ? 1 : 0) + (@is ? 1 : 0) >= 2 ? AuthenticationLevel.Mfa : AuthenticationLevel.Password;
    }
}

/// <summary>
/// What meetings of one classification level may do. Every control is typed so that comparisons
/// (<see cref="PolicyChange"/>) and the stricter-of-two rule for running meetings (<see cref="Stricter"/>) are exact.
/// </summary>
public sealed record PolicyControls
{
    /// <summary>
    /// Whether this appliance is approved to carry information of the level. False keeps the level visible (so a
    /// booking can be refused with a reason that names it) but refuses booking and joining.
    /// </summary>
    public required bool ApplianceMayCarry { get; init; }

    /// <summary>Media and chat must be end-to-end encrypted; clients that cannot do it are refused.</summary>
    public required bool EndToEndEncryptionRequired { get; init; }

    /// <summary>Whether guests may take part, and how they enter.</summary>
    public required GuestAccess Guests { get; init; }

    /// <summary>The least a guest must show to enter.</summary>
    public required GuestProof GuestProof { get; init; }

    /// <summary>The least authentication a staff member needs to book or join.</summary>
    public required AuthenticationStrength StaffAuthentication { get; init; }

    /// <summary>Everyone except the meeting's hosts waits in the lobby, staff included.</summary>
    public required bool LobbyRequired { get; init; }

    /// <summary>Whether a meeting may be recorded.</summary>
    public required bool RecordingAllowed { get; init; }

    /// <summary>Whether participants may chat.</summary>
    public required bool ChatAllowed { get; init; }

    /// <summary>How long chat is kept after the meeting ends; zero means it is gone when the meeting ends.</summary>
    public required TimeSpan ChatRetention { get; init; }

    /// <summary>Whether participants may share their screen.</summary>
    public required bool ScreenShareAllowed { get; init; }

    /// <summary>Whether people may dial in by telephone or from a room system over SIP.</summary>
    public required bool SipDialInAllowed { get; init; }

    /// <summary>Whether a host may have the appliance call out to a telephone or SIP address.</summary>
    public required bool SipDialOutAllowed { get; init; }

    /// <summary>Most people in the meeting at once, hosts included.</summary>
    public required int MaxParticipants { get; init; }

    /// <summary>Longest a meeting may be booked for and may run.</summary>
    public required TimeSpan MaxDuration { get; init; }

    /// <summary>The networks clients may connect from.</summary>
    public required ClientNetworks AllowedNetworks { get; init; }

    /// <summary>Days the meeting's data (participant lists, invitations, chat kept for retention) lives after the meeting.</summary>
    public required int DataRetentionDays { get; init; }

    /// <summary>
    /// The controls that demand everything both demand. A running meeting lives under the stricter of the policy it
    /// was booked under and the current one: tightening reaches it at once, loosening only reaches new meetings.
    /// </summary>
    public PolicyControls Stricter(PolicyControls other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new PolicyControls
        {
            ApplianceMayCarry = ApplianceMayCarry && other.ApplianceMayCarry,
            EndToEndEncryptionRequired = EndToEndEncryptionRequired || other.EndToEndEncryptionRequired,
            Guests = Min(Guests, other.Guests),
            GuestProof = Max(GuestProof, other.GuestProof),
            StaffAuthentication = StaffAuthentication.Stricter(other.StaffAuthentication),
            LobbyRequired = LobbyRequired || other.LobbyRequired,
            RecordingAllowed = RecordingAllowed && other.RecordingAllowed,
            ChatAllowed = ChatAllowed && other.ChatAllowed,
            ChatRetention = Min(ChatRetention, other.ChatRetention),
            ScreenShareAllowed = ScreenShareAllowed && other.ScreenShareAllowed,
            SipDialInAllowed = SipDialInAllowed && other.SipDialInAllowed,
            SipDialOutAllowed = SipDialOutAllowed && other.SipDialOutAllowed,
            MaxParticipants = Math.Min(MaxParticipants, other.MaxParticipants),
            MaxDuration = Min(MaxDuration, other.MaxDuration),
            AllowedNetworks = AllowedNetworks.Intersect(other.AllowedNetworks),
            DataRetentionDays = Math.Min(DataRetentionDays, other.DataRetentionDays),
        };
    }

    /// <summary>These controls with the listed ones taken from <paramref name="other"/> (labels and levels are not controls and are ignored).</summary>
    public PolicyControls Taking(PolicyControls other, IEnumerable<PolicyControl> controls)
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(controls);
        var result = this;
        foreach (var control in controls)
        {
#pragma warning disable CS8524 // Every named control is copied: a new one must break the build here.
            result = control switch
            {
                PolicyControl.Level or PolicyControl.Labels => result,
                PolicyControl.ApplianceMayCarry => result with { ApplianceMayCarry = other.ApplianceMayCarry },
                PolicyControl.EndToEndEncryptionRequired => result with { EndToEndEncryptionRequired = other.EndToEndEncryptionRequired },
                PolicyControl.Guests => result with { Guests = other.Guests },
                PolicyControl.GuestProof => result with { GuestProof = other.GuestProof },
                PolicyControl.StaffAuthentication => result with { StaffAuthentication = other.StaffAuthentication },
                PolicyControl.LobbyRequired => result with { LobbyRequired = other.LobbyRequired },
                PolicyControl.RecordingAllowed => result with { RecordingAllowed = other.RecordingAllowed },
                PolicyControl.ChatAllowed => result with { ChatAllowed = other.ChatAllowed },
                PolicyControl.ChatRetention => result with { ChatRetention = other.ChatRetention },
                PolicyControl.ScreenShareAllowed => result with { ScreenShareAllowed = other.ScreenShareAllowed },
                PolicyControl.SipDialInAllowed => result with { SipDialInAllowed = other.SipDialInAllowed },
                PolicyControl.SipDialOutAllowed => result with { SipDialOutAllowed = other.SipDialOutAllowed },
                PolicyControl.MaxParticipants => result with { MaxParticipants = other.MaxParticipants },
                PolicyControl.MaxDuration => result with { MaxDuration = other.MaxDuration },
                PolicyControl.AllowedNetworks => result with { AllowedNetworks = other.AllowedNetworks },
                PolicyControl.DataRetentionDays => result with { DataRetentionDays = other.DataRetentionDays },
            };
#pragma warning restore CS8524
        }

        return result;
    }

    /// <summary>Problems that make the controls unusable, in English for the officer's form; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Guests))
        {
            problems.Add("Guest access is not one of the known values.");
        }

        if (!Enum.IsDefined(GuestProof))
        {
            problems.Add("Guest proof is not one of the known values.");
        }

        if (StaffAuthentication is null || !Enum.IsDefined(StaffAuthentication.Level))
        {
            problems.Add("Staff authentication is not one of the known values.");
        }

        if (MaxParticipants < 2 || MaxParticipants > 1000)
        {
            problems.Add("Maximum participants must be between 2 and 1000.");
        }

        if (MaxDuration < TimeSpan.FromMinutes(5) || MaxDuration > TimeSpan.FromDays(1))
        {
            problems.Add("Maximum duration must be between 5 minutes and 24 hours.");
        }

        if (ChatRetention < TimeSpan.Zero || ChatRetention > TimeSpan.FromDays(DataRetentionDays))
        {
            problems.Add("Chat retention must be between zero and the data retention.");
        }

        if (DataRetentionDays < 0 || DataRetentionDays > 3650)
        {
            problems.Add("Data retention must be between 0 and 3650 days.");
        }

        if (AllowedNetworks is null)
        {
            problems.Add("Allowed networks must be set (use 0.0.0.0/0 and ::/0 for anywhere).");
        }

        return problems;
    }

    private static T Min<T>(T a, T b)
        where T : IComparable<T> => a.CompareTo(b) <= 0 ? a : b;

    private static T Max<T>(T a, T b)
        where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;

    private static GuestAccess Min(GuestAccess a, GuestAccess b) => a <= b ? a : b;

    private static GuestProof Max(GuestProof a, GuestProof b) => a >= b ? a : b;
}
