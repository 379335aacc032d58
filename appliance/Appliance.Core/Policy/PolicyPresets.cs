namespace Appliance.Core.Policy;

/// <summary>
/// The classification schemes an appliance can be installed with: Swedish (MSB's confidentiality levels and the
/// säkerhetsskyddsklasser), Danish (klassificeret information), EU (EUCI) and a plain Open/Internal/Confidential set.
/// The controls are defensible defaults, explained in Policy/README.md; security officers adjust them afterwards.
/// </summary>
public static class PolicyPresets
{
    /// <summary>Id of the plain preset, whose level ids match <see cref="Classification.ClassificationCatalog.Basic"/>.</summary>
    public const string BasicId = "basic";

    /// <summary>Id of the Swedish preset.</summary>
    public const string SwedishId = "se";

    /// <summary>Id of the Danish preset.</summary>
    public const string DanishId = "dk";

    /// <summary>Id of the EU preset.</summary>
    public const string EuId = "eu";

    /// <summary>Public or harmless information: everything a meeting service usually does.</summary>
    internal static PolicyControls Open { get; } = new()
    {
        ApplianceMayCarry = true,
        EndToEndEncryptionRequired = false,
        Guests = GuestAccess.Direct,
        GuestProof = GuestProof.Link,
        StaffAuthentication = AuthenticationStrength.Password,
        LobbyRequired = false,
        RecordingAllowed = true,
        ChatAllowed = true,
        ChatRetention = TimeSpan.FromDays(30),
        ScreenShareAllowed = true,
        SipDialInAllowed = true,
        SipDialOutAllowed = true,
        MaxParticipants = 100,
        MaxDuration = TimeSpan.FromHours(8),
        AllowedNetworks = ClientNetworks.Anywhere,
        DataRetentionDays = 90,
    };

    /// <summary>Internal information: guests wait in the lobby, chat is kept a week.</summary>
    internal static PolicyControls Internal { get; } = Open with
    {
        Guests = GuestAccess.ViaLobby,
        ChatRetention = TimeSpan.FromDays(7),
        MaxParticipants = 50,
        DataRetentionDays = 30,
    };

    /// <summary>
    /// Confidential information such as a citizen's case: end-to-end encrypted (which rules out SIP), MFA for staff,
    /// guests with link and PIN through the lobby, no recording, chat gone when the meeting ends.
    /// </summary>
    internal static PolicyControls Confidential { get; } = Internal with
    {
        EndToEndEncryptionRequired = true,
        GuestProof = GuestProof.LinkAndPin,
        StaffAuthentication = AuthenticationStrength.Mfa,
        RecordingAllowed = false,
        ChatRetention = TimeSpan.Zero,
        SipDialInAllowed = false,
        SipDialOutAllowed = false,
        MaxParticipants = 20,
        MaxDuration = TimeSpan.FromHours(4),
        DataRetentionDays = 7,
    };

    /// <summary>The most sensitive information the appliance carries by default: as confidential, and everyone waits in the lobby.</summary>
    internal static PolicyControls Serious { get; } = Confidential with
    {
        LobbyRequired = true,
        MaxParticipants = 10,
        MaxDuration = TimeSpan.FromHours(3),
        DataRetentionDays = 1,
    };

    /// <summary>
    /// Levels the appliance is not approved for. They stay in the set so a booking is refused with a reason that names
    /// them, and carry the strictest controls in case an accredited installation ever enables one (a loosening, so two
    /// officers must agree).
    /// </summary>
    internal static PolicyControls NotCarried { get; } = Serious with
    {
        ApplianceMayCarry = false,
        Guests = GuestAccess.None,
        GuestProof = GuestProof.StaffOidc,
        ChatAllowed = false,
        ScreenShareAllowed = false,
        MaxDuration = TimeSpan.FromHours(2),
        AllowedNetworks = ClientNetworks.PrivateOnly,
        DataRetentionDays = 0,
    };

    /// <summary>Open, Internal, Confidential: the level ids of <see cref="Classification.ClassificationCatalog.Basic"/>.</summary>
    public static PolicySet Basic { get; } = new(BasicId, 1,
    [
        Level("open", 0, "#1b7f3b", Open, ("Open", "Åben", "Öppen"), ("OPEN", "ÅBEN", "ÖPPEN")),
        Level("internal", 10, "#f2c200", Internal, ("Internal", "Intern", "Intern"), ("INTERNAL", "INTERN", "INTERN")),
        Level("confidential", 20, "#b00020", Confidential, ("Confidential", "Fortrolig", "Konfidentiell"), ("CONFIDENTIAL", "FORTROLIG", "KONFIDENTIELL")),
    ]);

    /// <summary>
    /// Sweden: MSB's confidentiality levels K1–K3 for information without protective-security classification, and the
    /// four säkerhetsskyddsklasser of säkerhetsskyddslagen (2018:585), which the appliance is not approved for.
    /// Markings stay Swedish in every language, because a marking is a legal label, not a translation.
    /// </summary>
    public static PolicySet Swedish { get; } = new(SwedishId, 1,
    [
        Level("oppen", 0, "#1b7f3b", Open, ("Open (public)", "Åben (offentlig)", "Öppen"), Same("ÖPPEN")),
        Level("k1", 10, "#1565c0", Internal, ("K1 – moderate confidentiality", "K1 – moderat fortrolighed", "K1 – Måttlig konfidentialitet"), Same("K1 MÅTTLIG")),
        Level("k2", 20, "#f2c200", Confidential, ("K2 – substantial confidentiality", "K2 – betydelig fortrolighed", "K2 – Betydande konfidentialitet"), Same("K2 BETYDANDE")),
        Level("k3", 30, "#e65100", Serious, ("K3 – serious confidentiality", "K3 – alvorlig fortrolighed", "K3 – Allvarlig konfidentialitet"), Same("K3 ALLVARLIG")),
        Level("begransat-hemlig", 40, "#b00020", NotCarried, ("BEGRÄNSAT HEMLIG (Swedish: restricted)", "BEGRÄNSAT HEMLIG (svensk: begrænset)", "Begränsat hemlig"), Same("BEGRÄNSAT HEMLIG")),
        Level("konfidentiell", 50, "#7b1fa2", NotCarried, ("KONFIDENTIELL (Swedish: confidential)", "KONFIDENTIELL (svensk: fortroligt)", "Konfidentiell"), Same("KONFIDENTIELL")),
        Level("hemlig", 60, "#4a148c", NotCarried, ("HEMLIG (Swedish: secret)", "HEMLIG (svensk: hemmeligt)", "Hemlig"), Same("HEMLIG")),
        Level("kvalificerat-hemlig", 70, "#000000", NotCarried, ("KVALIFICERAT HEMLIG (Swedish: top secret)", "KVALIFICERAT HEMLIG (svensk: yderst hemmeligt)", "Kvalificerat hemlig"), Same("KVALIFICERAT HEMLIG")),
    ]);

    /// <summary>
    /// Denmark: unclassified, TIL TJENESTEBRUG, and the classifications of the Danish security circular
    /// (sikkerhedscirkulæret): FORTROLIGT, HEMMELIGT, YDERST HEMMELIGT, which the appliance is not approved for.
    /// </summary>
    public static PolicySet Danish { get; } = new(DanishId, 1,
    [
        Level("uklassificeret", 0, "#1b7f3b", Internal, ("Unclassified", "Uklassificeret", "Oklassificerad"), Same("UKLASSIFICERET")),
        Level("til-tjenestebrug", 10, "#f2c200", Serious, ("TIL TJENESTEBRUG (Danish: for official use)", "Til tjenestebrug", "TIL TJENESTEBRUG (danska: för tjänstebruk)"), Same("TIL TJENESTEBRUG")),
        Level("fortroligt", 20, "#b00020", NotCarried, ("FORTROLIGT (Danish: confidential)", "Fortroligt", "FORTROLIGT (danska: konfidentiell)"), Same("FORTROLIGT")),
        Level("hemmeligt", 30, "#4a148c", NotCarried, ("HEMMELIGT (Danish: secret)", "Hemmeligt", "HEMMELIGT (danska: hemlig)"), Same("HEMMELIGT")),
        Level("yderst-hemmeligt", 40, "#000000", NotCarried, ("YDERST HEMMELIGT (Danish: top secret)", "Yderst hemmeligt", "YDERST HEMMELIGT (danska: kvalificerat hemlig)"), Same("YDERST HEMMELIGT")),
    ]);

    /// <summary>
    /// EU classified information (Council Decision 2013/488/EU): unclassified plus the four EUCI levels, which the
    /// appliance is not approved for. Markings use the bilingual form the Council prescribes.
    /// </summary>
    public static PolicySet Eu { get; } = new(EuId, 1,
    [
        Level("eu-unclassified", 0, "#1b7f3b", Internal, ("Unclassified", "Uklassificeret", "Oklassificerad"), ("UNCLASSIFIED", "UKLASSIFICERET", "OKLASSIFICERAD")),
        Level("eu-restricted", 10, "#b00020", NotCarried, ("EU RESTRICTED", "EU RESTRICTED (begrænset)", "EU RESTRICTED (begränsad)"), Same("RESTREINT UE/EU RESTRICTED")),
        Level("eu-confidential", 20, "#7b1fa2", NotCarried, ("EU CONFIDENTIAL", "EU CONFIDENTIAL (fortroligt)", "EU CONFIDENTIAL (konfidentiell)"), Same("CONFIDENTIEL UE/EU CONFIDENTIAL")),
        Level("eu-secret", 30, "#4a148c", NotCarried, ("EU SECRET", "EU SECRET (hemmeligt)", "EU SECRET (hemlig)"), Same("SECRET UE/EU SECRET")),
        Level("eu-top-secret", 40, "#000000", NotCarried, ("EU TOP SECRET", "EU TOP SECRET (yderst hemmeligt)", "EU TOP SECRET (kvalificerat hemlig)"), Same("TRÈS SECRET UE/EU TOP SECRET")),
    ]);

    /// <summary>Every preset, for the installation choice.</summary>
    public static IReadOnlyList<PolicySet> All { get; } = [Basic, Swedish, Danish, Eu];

    /// <summary>The preset with the given id.</summary>
    public static bool TryGet(string? id, out PolicySet preset)
    {
        preset = All.FirstOrDefault(p => p.SchemeId == id)!;
        return preset is not null;
    }

    /// <summary>The preset with the given id; throws <see cref="KeyNotFoundException"/> naming the known ids otherwise.</summary>
    public static PolicySet Get(string id) =>
        TryGet(id, out var preset)
            ? preset
            : throw new KeyNotFoundException($"There is no policy preset '{id}'; choose one of {string.Join(", ", All.Select(p => p.SchemeId))}.");

    private static (string En, string Da, string Sv) Same(string text) => (text, text, text);

    private static PolicyLevel Level(string id, int rank, string colour, PolicyControls controls, (string En, string Da, string Sv) names, (string En, string Da, string Sv) markings) =>
        new(
            id,
            rank,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = names.En, ["da"] = names.Da, ["sv"] = names.Sv },
            new Dictionary<string, string>(StringComparer.Ordinal) { ["en"] = markings.En, ["da"] = markings.Da, ["sv"] = markings.Sv },
            colour,
            controls);
}
