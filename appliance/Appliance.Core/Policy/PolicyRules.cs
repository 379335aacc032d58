using System.Globalization;

namespace Appliance.Core.Policy;

/// <summary>
/// A rule of the policy engine: a stable id (written to the audit log and asserted by tests) and the reason text in
/// each language, with {0} for the level's name and {1} for a value such as a limit.
/// </summary>
/// <param name="Id">The stable id, "policy.&lt;area&gt;.&lt;what&gt;".</param>
/// <param name="English">The reason in English.</param>
/// <param name="Danish">The reason in Danish.</param>
/// <param name="Swedish">The reason in Swedish.</param>
public sealed record PolicyRule(string Id, string English, string Danish, string Swedish)
{
    /// <summary>The reason texts filled in for a level, with <paramref name="value"/> formatted per locale.</summary>
    internal IReadOnlyDictionary<string, string> Format(PolicyLevel level, Func<string, string>? value) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["en"] = Fill(English, level, "en", value),
            ["da"] = Fill(Danish, level, "da", value),
            ["sv"] = Fill(Swedish, level, "sv", value),
        };

    private static string Fill(string template, PolicyLevel level, string locale, Func<string, string>? value) =>
        string.Format(CultureInfo.GetCultureInfo(locale), template, level.NameIn(locale), value?.Invoke(locale) ?? string.Empty);
}

/// <summary>Every rule the engine can decide by. Reasons name the level and say what the person can do instead.</summary>
public static class PolicyRules
{
    public static readonly PolicyRule Allowed = new(
        "policy.allowed",
        "Allowed by the policy for {0}.",
        "Tilladt efter reglerne for {0}.",
        "Tillåtet enligt reglerna för {0}.");

    public static readonly PolicyRule LevelNotCarried = new(
        "policy.level.not-carried",
        "This appliance is not approved for information classified {0}. Use a system approved for that level.",
        "Denne løsning er ikke godkendt til information klassificeret {0}. Brug et system, der er godkendt til det niveau.",
        "Den här tjänsten är inte godkänd för information som är {0}. Använd ett system som är godkänt för den nivån.");

    public static readonly PolicyRule NetworkUnknown = new(
        "policy.network.unknown",
        "Meetings classified {0} only accept known networks, and the address you connect from could not be determined.",
        "Møder klassificeret {0} accepterer kun kendte netværk, og den adresse, du forbinder fra, kunne ikke bestemmes.",
        "Möten som är {0} tar bara emot kända nätverk, och adressen du ansluter från gick inte att avgöra.");

    public static readonly PolicyRule NetworkNotAllowed = new(
        "policy.network.not-allowed",
        "Meetings classified {0} cannot be reached from the network you are on ({1}). Connect from the agency's network or VPN.",
        "Møder klassificeret {0} kan ikke nås fra det netværk, du er på ({1}). Forbind fra myndighedens netværk eller VPN.",
        "Möten som är {0} kan inte nås från det nätverk du är på ({1}). Anslut från myndighetens nätverk eller VPN.");

    public static readonly PolicyRule StaffOnly = new(
        "policy.actor.staff-only",
        "Only signed-in staff can do this in meetings classified {0}.",
        "Kun indloggede medarbejdere kan gøre dette i møder klassificeret {0}.",
        "Endast inloggad personal kan göra detta i möten som är {0}.");

    public static readonly PolicyRule OrganiserOnly = new(
        "policy.actor.organiser-only",
        "Only staff with the organiser role can book meetings.",
        "Kun medarbejdere med rollen mødeindkalder kan booke møder.",
        "Endast personal med rollen mötesarrangör kan boka möten.");

    public static readonly PolicyRule HostOnly = new(
        "policy.actor.host-only",
        "Only a host of the meeting can do this.",
        "Kun mødets vært kan gøre dette.",
        "Endast mötets värd kan göra detta.");

    public static readonly PolicyRule WrongEntrance = new(
        "policy.actor.wrong-entrance",
        "This way in is not for you: staff sign in, guests use their invitation, callers dial in.",
        "Denne indgang er ikke til dig: medarbejdere logger ind, gæster bruger deres invitation, opkald ringer ind.",
        "Den här vägen in är inte för dig: personal loggar in, gäster använder sin inbjudan, uppringare ringer in.");

    public static readonly PolicyRule StaffAuthentication = new(
        "policy.staff.authentication",
        "Meetings classified {0} need a stronger sign-in ({1}). Sign out and sign in again with multi-factor authentication.",
        "Møder klassificeret {0} kræver et stærkere login ({1}). Log ud og log ind igen med flere faktorer.",
        "Möten som är {0} kräver en starkare inloggning ({1}). Logga ut och logga in igen med flerfaktorsautentisering.");

    public static readonly PolicyRule GuestsNotAllowed = new(
        "policy.guests.none",
        "Meetings classified {0} cannot have guests.",
        "Møder klassificeret {0} kan ikke have gæster.",
        "Möten som är {0} kan inte ha gäster.");

    public static readonly PolicyRule GuestProofTooWeak = new(
        "policy.guests.proof",
        "Guests in meetings classified {0} must prove who they are with {1}.",
        "Gæster i møder klassificeret {0} skal bevise, hvem de er, med {1}.",
        "Gäster i möten som är {0} måste visa vilka de är med {1}.");

    public static readonly PolicyRule EndToEndEncryptionUnsupported = new(
        "policy.e2ee.unsupported",
        "Meetings classified {0} are end-to-end encrypted and this browser cannot take part. Use a current Chrome, Edge, Firefox or Safari.",
        "Møder klassificeret {0} er end-to-end-krypterede, og denne browser kan ikke deltage. Brug en opdateret Chrome, Edge, Firefox eller Safari.",
        "Möten som är {0} är end-to-end-krypterade och den här webbläsaren kan inte delta. Använd en aktuell Chrome, Edge, Firefox eller Safari.");

    public static readonly PolicyRule EndToEndEncryptionSip = new(
        "policy.e2ee.sip",
        "Meetings classified {0} are end-to-end encrypted, which telephones and room systems cannot join.",
        "Møder klassificeret {0} er end-to-end-krypterede, og telefoner og mødelokalesystemer kan ikke deltage.",
        "Möten som är {0} är end-to-end-krypterade, och telefoner och mötesrumssystem kan inte delta.");

    public static readonly PolicyRule LobbyRequired = new(
        "policy.lobby.required",
        "In meetings classified {0} everyone waits in the lobby until a host lets them in.",
        "I møder klassificeret {0} venter alle i lobbyen, indtil en vært lukker dem ind.",
        "I möten som är {0} väntar alla i lobbyn tills en värd släpper in dem.");

    public static readonly PolicyRule GuestsViaLobby = new(
        "policy.lobby.guests",
        "Guests in meetings classified {0} wait in the lobby until a host lets them in.",
        "Gæster i møder klassificeret {0} venter i lobbyen, indtil en vært lukker dem ind.",
        "Gäster i möten som är {0} väntar i lobbyn tills en värd släpper in dem.");

    public static readonly PolicyRule RecordingNotAllowed = new(
        "policy.recording.none",
        "Meetings classified {0} cannot be recorded.",
        "Møder klassificeret {0} kan ikke optages.",
        "Möten som är {0} kan inte spelas in.");

    public static readonly PolicyRule ChatNotAllowed = new(
        "policy.chat.none",
        "Chat is turned off in meetings classified {0}.",
        "Chat er slået fra i møder klassificeret {0}.",
        "Chatten är avstängd i möten som är {0}.");

    public static readonly PolicyRule ScreenShareNotAllowed = new(
        "policy.screen-share.none",
        "Screen sharing is turned off in meetings classified {0}.",
        "Skærmdeling er slået fra i møder klassificeret {0}.",
        "Skärmdelning är avstängd i möten som är {0}.");

    public static readonly PolicyRule DialInNotAllowed = new(
        "policy.sip.dial-in",
        "Meetings classified {0} cannot be joined by telephone or room system.",
        "Møder klassificeret {0} kan ikke tilgås via telefon eller mødelokalesystem.",
        "Möten som är {0} kan inte nås via telefon eller mötesrumssystem.");

    public static readonly PolicyRule DialOutNotAllowed = new(
        "policy.sip.dial-out",
        "Meetings classified {0} cannot call out to telephones or room systems.",
        "Møder klassificeret {0} kan ikke ringe ud til telefoner eller mødelokalesystemer.",
        "Möten som är {0} kan inte ringa ut till telefoner eller mötesrumssystem.");

    public static readonly PolicyRule MeetingFull = new(
        "policy.participants.full",
        "The meeting has reached the limit of {1} participants for meetings classified {0}.",
        "Mødet har nået grænsen på {1} deltagere for møder klassificeret {0}.",
        "Mötet har nått gränsen på {1} deltagare för möten som är {0}.");

    public static readonly PolicyRule TooManyPlanned = new(
        "policy.participants.planned",
        "Meetings classified {0} can have at most {1} participants.",
        "Møder klassificeret {0} kan have højst {1} deltagere.",
        "Möten som är {0} kan ha högst {1} deltagare.");

    public static readonly PolicyRule BookedTooLong = new(
        "policy.duration.booking",
        "Meetings classified {0} can last at most {1}. Book a shorter meeting or several.",
        "Møder klassificeret {0} kan højst vare {1}. Book et kortere møde eller flere.",
        "Möten som är {0} kan pågå högst {1}. Boka ett kortare möte eller flera.");

    public static readonly PolicyRule RanTooLong = new(
        "policy.duration.exceeded",
        "The meeting has run for the longest time allowed for meetings classified {0} ({1}).",
        "Mødet har varet den længste tid, der er tilladt for møder klassificeret {0} ({1}).",
        "Mötet har pågått den längsta tid som är tillåten för möten som är {0} ({1}).");

    /// <summary>Every rule, for completeness tests and for documentation pages.</summary>
    public static IReadOnlyList<PolicyRule> All { get; } =
    [
        Allowed, LevelNotCarried, NetworkUnknown, NetworkNotAllowed, StaffOnly, OrganiserOnly, HostOnly, WrongEntrance,
        StaffAuthentication, GuestsNotAllowed, GuestProofTooWeak, EndToEndEncryptionUnsupported, EndToEndEncryptionSip,
        LobbyRequired, GuestsViaLobby, RecordingNotAllowed, ChatNotAllowed, ScreenShareNotAllowed, DialInNotAllowed,
        DialOutNotAllowed, MeetingFull, TooManyPlanned, BookedTooLong, RanTooLong,
    ];
}

/// <summary>Values written the way each language writes them.</summary>
internal static class PolicyWords
{
    public static string Duration(TimeSpan duration, string locale)
    {
        if (duration.TotalMinutes % 60 == 0)
        {
            var hours = (int)duration.TotalHours;
            return locale switch
            {
                "da" => hours == 1 ? "1 time" : $"{hours} timer",
                "sv" => hours == 1 ? "1 timme" : $"{hours} timmar",
                _ => hours == 1 ? "1 hour" : $"{hours} hours",
            };
        }

        var minutes = ((int)duration.TotalMinutes).ToString(CultureInfo.InvariantCulture);
        return locale switch
        {
            "da" => $"{minutes} minutter",
            "sv" => $"{minutes} minuter",
            _ => $"{minutes} minutes",
        };
    }

    public static string Proof(GuestProof proof, string locale) => (proof, locale) switch
    {
        (GuestProof.Link, "da") => "invitationslinket",
        (GuestProof.Link, "sv") => "inbjudningslänken",
        (GuestProof.Link, _) => "the invitation link",
        (GuestProof.LinkAndPin, "da") => "invitationslinket og en pinkode",
        (GuestProof.LinkAndPin, "sv") => "inbjudningslänken och en pinkod",
        (GuestProof.LinkAndPin, _) => "the invitation link and a PIN",
        (GuestProof.StaffOidc, "da") => "et login hos en godkendt identitetsudbyder",
        (GuestProof.StaffOidc, "sv") => "en inloggning hos en godkänd identitetsleverantör",
        (GuestProof.StaffOidc, _) => "a sign-in with an approved identity provider",
        _ => proof.ToString(),
    };

    public static string Authentication(AuthenticationStrength strength, string locale)
    {
        var level = (strength.Level, locale) switch
        {
            (AuthenticationLevel.Mfa, "da") => "flere faktorer",
            (AuthenticationLevel.Mfa, "sv") => "flera faktorer",
            (AuthenticationLevel.Mfa, _) => "multi-factor",
            (_, "da") => "adgangskode",
            (_, "sv") => "lösenord",
            _ => "password",
        };
        return strength.AcceptedAcrValues.Count == 0 ? level : $"{level}, acr {string.Join(" / ", strength.AcceptedAcrValues)}";
    }
}
