using System.Net;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using static Appliance.Core.Tests.Policy.PolicyScenario;

namespace Appliance.Core.Tests.Policy;

public sealed class PolicyEngineTests
{
    /// <summary>One row: controls changed from the permissive baseline, who asks, what, and the rule that must decide.</summary>
    public sealed record Row(string Name, Func<PolicyControls, PolicyControls> Controls, PolicyActor Actor, PolicyAction Action, string Rule, Func<PolicyContext, PolicyContext>? Meeting = null)
    {
        public override string ToString() => Name;
    }

    private static readonly string Allowed = PolicyRules.Allowed.Id;

    public static IEnumerable<Row> Rows()
    {
        // Which levels the appliance may carry.
        yield return new("not carried refuses booking", c => c with { ApplianceMayCarry = false }, Staff, PolicyAction.Book, PolicyRules.LevelNotCarried.Id);
        yield return new("not carried refuses joining", c => c with { ApplianceMayCarry = false }, Host, PolicyAction.JoinAsStaff, PolicyRules.LevelNotCarried.Id);
        yield return new("carried allows booking", c => c, Staff, PolicyAction.Book, Allowed);

        // End-to-end encryption.
        yield return new("e2ee refuses a browser without it", c => c with { EndToEndEncryptionRequired = true }, Staff with { ClientSupportsEndToEndEncryption = false }, PolicyAction.JoinAsStaff, PolicyRules.EndToEndEncryptionUnsupported.Id);
        yield return new("e2ee refuses a guest browser without it", c => c with { EndToEndEncryptionRequired = true }, GuestWithLink with { ClientSupportsEndToEndEncryption = false }, PolicyAction.JoinAsGuest, PolicyRules.EndToEndEncryptionUnsupported.Id);
        yield return new("e2ee admits a browser with it", c => c with { EndToEndEncryptionRequired = true }, Staff, PolicyAction.JoinAsStaff, Allowed);
        yield return new("no e2ee admits any browser", c => c, Staff with { ClientSupportsEndToEndEncryption = false }, PolicyAction.JoinAsStaff, Allowed);
        yield return new("e2ee refuses dial-in even when SIP is on", c => c with { EndToEndEncryptionRequired = true }, Caller, PolicyAction.DialIn, PolicyRules.EndToEndEncryptionSip.Id);
        yield return new("e2ee refuses dial-out even when SIP is on", c => c with { EndToEndEncryptionRequired = true }, Host, PolicyAction.DialOut, PolicyRules.EndToEndEncryptionSip.Id);

        // Guests.
        yield return new("no guests refuses a guest", c => c with { Guests = GuestAccess.None }, GuestWithPin, PolicyAction.JoinAsGuest, PolicyRules.GuestsNotAllowed.Id);
        yield return new("no guests refuses inviting", c => c with { Guests = GuestAccess.None }, Host, PolicyAction.Invite, PolicyRules.GuestsNotAllowed.Id);
        yield return new("no guests refuses a guest already inside", c => c with { Guests = GuestAccess.None }, GuestWithPin, PolicyAction.SendChat, PolicyRules.GuestsNotAllowed.Id);
        yield return new("guests via lobby admits a guest", c => c with { Guests = GuestAccess.ViaLobby }, GuestWithLink, PolicyAction.JoinAsGuest, Allowed);
        yield return new("guests via lobby keep a guest in the lobby", c => c with { Guests = GuestAccess.ViaLobby }, GuestWithLink, PolicyAction.BypassLobby, PolicyRules.GuestsViaLobby.Id);
        yield return new("guests via lobby keep a caller in the lobby", c => c with { Guests = GuestAccess.ViaLobby }, Caller, PolicyAction.BypassLobby, PolicyRules.GuestsViaLobby.Id);
        yield return new("guests via lobby let staff straight in", c => c with { Guests = GuestAccess.ViaLobby }, Staff, PolicyAction.BypassLobby, Allowed);
        yield return new("direct guests go straight in", c => c with { Guests = GuestAccess.Direct }, GuestWithLink, PolicyAction.BypassLobby, Allowed);
        yield return new("guests allowed lets staff invite", c => c with { Guests = GuestAccess.ViaLobby }, Host, PolicyAction.Invite, Allowed);

        // Guest proof.
        yield return new("link and PIN refuses a link alone", c => c with { GuestProof = GuestProof.LinkAndPin }, GuestWithLink, PolicyAction.JoinAsGuest, PolicyRules.GuestProofTooWeak.Id);
        yield return new("link and PIN admits link and PIN", c => c with { GuestProof = GuestProof.LinkAndPin }, GuestWithPin, PolicyAction.JoinAsGuest, Allowed);
        yield return new("OIDC refuses link and PIN", c => c with { GuestProof = GuestProof.StaffOidc }, GuestWithPin, PolicyAction.JoinAsGuest, PolicyRules.GuestProofTooWeak.Id);
        yield return new("OIDC admits an OIDC guest", c => c with { GuestProof = GuestProof.StaffOidc }, GuestWithPin with { GuestProofShown = GuestProof.StaffOidc }, PolicyAction.JoinAsGuest, Allowed);
        yield return new("a guest with no proof is refused", c => c, GuestWithLink with { GuestProofShown = null }, PolicyAction.JoinAsGuest, PolicyRules.GuestProofTooWeak.Id);

        // Staff authentication.
        yield return new("MFA refuses a password sign-in", c => c with { StaffAuthentication = AuthenticationStrength.Mfa }, PasswordStaff, PolicyAction.JoinAsStaff, PolicyRules.StaffAuthentication.Id);
        yield return new("MFA refuses a password sign-in booking", c => c with { StaffAuthentication = AuthenticationStrength.Mfa }, PasswordStaff, PolicyAction.Book, PolicyRules.StaffAuthentication.Id);
        yield return new("MFA admits password and TOTP", c => c with { StaffAuthentication = AuthenticationStrength.Mfa }, Staff, PolicyAction.JoinAsStaff, Allowed);
        yield return new("MFA admits amr mfa", c => c with { StaffAuthentication = AuthenticationStrength.Mfa }, PolicyActor.Staff("u", StaffRoles.Organiser, Office, ["mfa"]), PolicyAction.JoinAsStaff, Allowed);
        yield return new("password level admits a password sign-in", c => c with { StaffAuthentication = AuthenticationStrength.Password }, PasswordStaff, PolicyAction.JoinAsStaff, Allowed);
        yield return new("acr list refuses another acr", c => c with { StaffAuthentication = new(AuthenticationLevel.Mfa, ["high"]) }, Staff with { Acr = "substantial" }, PolicyAction.JoinAsStaff, PolicyRules.StaffAuthentication.Id);
        yield return new("acr list refuses a missing acr", c => c with { StaffAuthentication = new(AuthenticationLevel.Password, ["high"]) }, Staff, PolicyAction.JoinAsStaff, PolicyRules.StaffAuthentication.Id);
        yield return new("acr list admits a listed acr", c => c with { StaffAuthentication = new(AuthenticationLevel.Mfa, ["substantial", "high"]) }, Staff with { Acr = "high" }, PolicyAction.JoinAsStaff, Allowed);
        yield return new("staff authentication does not apply to guests", c => c with { StaffAuthentication = AuthenticationStrength.Mfa }, GuestWithLink, PolicyAction.JoinAsGuest, Allowed);

        // Lobby.
        yield return new("lobby required keeps staff in the lobby", c => c with { LobbyRequired = true }, Staff, PolicyAction.BypassLobby, PolicyRules.LobbyRequired.Id);
        yield return new("lobby required keeps direct guests in the lobby", c => c with { LobbyRequired = true, Guests = GuestAccess.Direct }, GuestWithLink, PolicyAction.BypassLobby, PolicyRules.LobbyRequired.Id);
        yield return new("lobby required lets the host in", c => c with { LobbyRequired = true }, Host, PolicyAction.BypassLobby, Allowed);
        yield return new("lobby required still lets a guest reach the lobby", c => c with { LobbyRequired = true }, GuestWithLink, PolicyAction.JoinAsGuest, Allowed);

        // Recording.
        yield return new("recording off refuses the host", c => c with { RecordingAllowed = false }, Host, PolicyAction.StartRecording, PolicyRules.RecordingNotAllowed.Id);
        yield return new("recording on lets the host record", c => c with { RecordingAllowed = true }, Host, PolicyAction.StartRecording, Allowed);
        yield return new("recording is the host's to start", c => c, Staff, PolicyAction.StartRecording, PolicyRules.HostOnly.Id);
        yield return new("a guest cannot record", c => c, GuestWithLink, PolicyAction.StartRecording, PolicyRules.StaffOnly.Id);

        // Chat.
        yield return new("chat off refuses a message", c => c with { ChatAllowed = false }, Staff, PolicyAction.SendChat, PolicyRules.ChatNotAllowed.Id);
        yield return new("chat off refuses a guest's message", c => c with { ChatAllowed = false }, GuestWithLink, PolicyAction.SendChat, PolicyRules.ChatNotAllowed.Id);
        yield return new("chat on allows a guest's message", c => c with { ChatAllowed = true }, GuestWithLink, PolicyAction.SendChat, Allowed);

        // Screen share.
        yield return new("screen share off refuses", c => c with { ScreenShareAllowed = false }, Host, PolicyAction.ShareScreen, PolicyRules.ScreenShareNotAllowed.Id);
        yield return new("screen share on allows a guest", c => c with { ScreenShareAllowed = true }, GuestWithLink, PolicyAction.ShareScreen, Allowed);

        // SIP.
        yield return new("dial-in off refuses a caller", c => c with { SipDialInAllowed = false }, Caller, PolicyAction.DialIn, PolicyRules.DialInNotAllowed.Id);
        yield return new("dial-in on admits a caller", c => c with { SipDialInAllowed = true }, Caller, PolicyAction.DialIn, Allowed);
        yield return new("dial-in is the caller's entrance only", c => c, Staff, PolicyAction.DialIn, PolicyRules.WrongEntrance.Id);
        yield return new("dial-out off refuses the host", c => c with { SipDialOutAllowed = false }, Host, PolicyAction.DialOut, PolicyRules.DialOutNotAllowed.Id);
        yield return new("dial-out on lets the host call", c => c with { SipDialOutAllowed = true }, Host, PolicyAction.DialOut, Allowed);
        yield return new("dial-out is the host's", c => c, Staff, PolicyAction.DialOut, PolicyRules.HostOnly.Id);

        // Participants.
        yield return new("a full meeting refuses staff", c => c with { MaxParticipants = 3 }, Staff, PolicyAction.JoinAsStaff, PolicyRules.MeetingFull.Id);
        yield return new("a full meeting refuses admitting", c => c with { MaxParticipants = 3 }, Host, PolicyAction.Admit, PolicyRules.MeetingFull.Id);
        yield return new("a full meeting refuses a caller", c => c with { MaxParticipants = 3 }, Caller, PolicyAction.DialIn, PolicyRules.MeetingFull.Id);
        yield return new("a meeting with room admits", c => c with { MaxParticipants = 4 }, Host, PolicyAction.Admit, Allowed);
        yield return new("booking more people than allowed is refused", c => c with { MaxParticipants = 3 }, Staff, PolicyAction.Book, PolicyRules.TooManyPlanned.Id, m => m with { StartedAt = null, ParticipantCount = 4 });
        yield return new("booking as many people as allowed is fine", c => c with { MaxParticipants = 3 }, Staff, PolicyAction.Book, Allowed, m => m with { StartedAt = null, ParticipantCount = 3 });
        yield return new("admitting is the host's", c => c, Staff, PolicyAction.Admit, PolicyRules.HostOnly.Id);

        // Duration.
        yield return new("booking longer than allowed is refused", c => c with { MaxDuration = TimeSpan.FromMinutes(30) }, Staff, PolicyAction.Book, PolicyRules.BookedTooLong.Id);
        yield return new("booking exactly the longest is fine", c => c with { MaxDuration = TimeSpan.FromHours(1) }, Staff, PolicyAction.Book, Allowed);
        yield return new("a meeting past its longest time refuses sharing", c => c with { MaxDuration = TimeSpan.FromMinutes(5) }, Host, PolicyAction.ShareScreen, PolicyRules.RanTooLong.Id);
        yield return new("a meeting past its longest time refuses joining", c => c with { MaxDuration = TimeSpan.FromMinutes(5) }, Staff, PolicyAction.JoinAsStaff, PolicyRules.RanTooLong.Id);
        yield return new("a meeting within its time allows sharing", c => c with { MaxDuration = TimeSpan.FromMinutes(11) }, Host, PolicyAction.ShareScreen, Allowed);

        // Networks.
        var privateOnly = ClientNetworks.PrivateOnly;
        yield return new("a home network is refused", c => c with { AllowedNetworks = privateOnly }, GuestWithLink, PolicyAction.JoinAsGuest, PolicyRules.NetworkNotAllowed.Id);
        yield return new("the office network is admitted", c => c with { AllowedNetworks = privateOnly }, Staff, PolicyAction.JoinAsStaff, Allowed);
        yield return new("an IPv6 unique-local address is admitted", c => c with { AllowedNetworks = privateOnly }, Staff with { ClientAddress = IPAddress.Parse("fd12:3456::1") }, PolicyAction.JoinAsStaff, Allowed);
        yield return new("a global IPv6 address is refused", c => c with { AllowedNetworks = privateOnly }, Staff with { ClientAddress = IPAddress.Parse("2001:db8::1") }, PolicyAction.JoinAsStaff, PolicyRules.NetworkNotAllowed.Id);
        yield return new("an IPv4-mapped office address is admitted", c => c with { AllowedNetworks = privateOnly }, Staff with { ClientAddress = IPAddress.Parse("::ffff:10.1.2.3") }, PolicyAction.JoinAsStaff, Allowed);
        yield return new("an IPv4-mapped home address is refused", c => c with { AllowedNetworks = privateOnly }, Staff with { ClientAddress = IPAddress.Parse("::ffff:203.0.113.7") }, PolicyAction.JoinAsStaff, PolicyRules.NetworkNotAllowed.Id);
        yield return new("an unknown address is refused when networks are limited", c => c with { AllowedNetworks = privateOnly }, Staff with { ClientAddress = null }, PolicyAction.JoinAsStaff, PolicyRules.NetworkUnknown.Id);
        yield return new("an unknown address is fine from anywhere", c => c, Staff with { ClientAddress = null }, PolicyAction.JoinAsStaff, Allowed);
        yield return new("networks also stop sharing from outside", c => c with { AllowedNetworks = privateOnly }, Host with { ClientAddress = Home }, PolicyAction.ShareScreen, PolicyRules.NetworkNotAllowed.Id);
        yield return new("networks do not apply to SIP callers", c => c with { AllowedNetworks = privateOnly }, Caller, PolicyAction.DialIn, Allowed);
        yield return new("an empty network list admits nobody", c => c with { AllowedNetworks = new ClientNetworks([]) }, Host, PolicyAction.JoinAsStaff, PolicyRules.NetworkNotAllowed.Id);

        // Roles and entrances.
        yield return new("booking needs the organiser role", c => c, PolicyActor.Staff("u-aud", StaffRoles.Auditor, Office, ["mfa"]), PolicyAction.Book, PolicyRules.OrganiserOnly.Id);
        yield return new("a guest cannot book", c => c, GuestWithLink, PolicyAction.Book, PolicyRules.StaffOnly.Id);
        yield return new("a guest cannot invite", c => c, GuestWithLink, PolicyAction.Invite, PolicyRules.StaffOnly.Id);
        yield return new("a guest cannot use the staff entrance", c => c, GuestWithLink, PolicyAction.JoinAsStaff, PolicyRules.WrongEntrance.Id);
        yield return new("staff cannot use the guest entrance", c => c, Staff, PolicyAction.JoinAsGuest, PolicyRules.WrongEntrance.Id);
    }

    [TestCaseSource(nameof(Rows))]
    public void Decides_by_the_expected_rule(Row row)
    {
        var meeting = Meeting(row.Controls(Permissive));
        if (row.Meeting is not null)
        {
            meeting = row.Meeting(meeting);
        }

        var decision = PolicyEngine.Decide(meeting, row.Actor, row.Action);

        Assert.Multiple(() =>
        {
            Assert.That(decision.RuleId, Is.EqualTo(row.Rule));
            Assert.That(decision.Allowed, Is.EqualTo(row.Rule == Allowed));
        });
    }

    [Test]
    public void Every_action_is_allowed_to_the_right_actor_under_permissive_controls()
    {
        foreach (var action in Enum.GetValues<PolicyAction>())
        {
            var actor = action switch
            {
                PolicyAction.JoinAsGuest => GuestWithLink,
                PolicyAction.DialIn => Caller,
                _ => Host,
            };
            var decision = PolicyEngine.Decide(Meeting(Permissive), actor, action);
            Assert.That(decision.Allowed, Is.True, $"{action}: {decision.ReasonIn("en")}");
        }
    }

    [Test]
    public void Every_action_is_refused_for_a_level_the_appliance_may_not_carry()
    {
        var meeting = Meeting(Permissive with { ApplianceMayCarry = false });
        foreach (var action in Enum.GetValues<PolicyAction>())
        {
            Assert.That(PolicyEngine.Decide(meeting, Host, action).RuleId, Is.EqualTo(PolicyRules.LevelNotCarried.Id), action.ToString());
        }
    }

    [Test]
    public void A_denial_explains_itself_in_each_language_with_the_level_name()
    {
        var decision = PolicyEngine.Decide(Meeting(Permissive with { ScreenShareAllowed = false }), Host, PolicyAction.ShareScreen);

        Assert.Multiple(() =>
        {
            Assert.That(decision.ReasonIn("en"), Is.EqualTo("Screen sharing is turned off in meetings classified Test level."));
            Assert.That(decision.ReasonIn("da"), Is.EqualTo("Skærmdeling er slået fra i møder klassificeret Testniveau."));
            Assert.That(decision.ReasonIn("sv"), Is.EqualTo("Skärmdelning är avstängd i möten som är Testnivå."));
            Assert.That(decision.ReasonIn("fr"), Is.EqualTo(decision.ReasonIn("en")));
        });
    }

    [Test]
    public void A_limit_is_written_the_way_each_language_writes_it()
    {
        var meeting = Meeting(Permissive with { MaxDuration = TimeSpan.FromMinutes(30) });

        var decision = PolicyEngine.Decide(meeting, Staff, PolicyAction.Book);

        Assert.Multiple(() =>
        {
            Assert.That(decision.ReasonIn("en"), Does.Contain("at most 30 minutes"));
            Assert.That(decision.ReasonIn("da"), Does.Contain("højst vare 30 minutter"));
            Assert.That(decision.ReasonIn("sv"), Does.Contain("högst 30 minuter"));
        });
    }

    [Test]
    public void Every_rule_has_a_reason_in_every_language_and_a_unique_id()
    {
        Assert.That(PolicyRules.All.Select(r => r.Id), Is.Unique);
        foreach (var rule in PolicyRules.All)
        {
            Assert.That(new[] { rule.English, rule.Danish, rule.Swedish }, Has.All.Not.Empty, rule.Id);
        }
    }

    [Test]
    public void Every_denying_rule_is_reached_by_some_row()
    {
        var reached = Rows().Select(r => r.Rule).ToHashSet();
        Assert.That(PolicyRules.All.Select(r => r.Id).Where(id => !reached.Contains(id)), Is.Empty);
    }

    [TestCase(new[] { "pwd" }, AuthenticationLevel.Password)]
    [TestCase(new[] { "pwd", "otp" }, AuthenticationLevel.Mfa)]
    [TestCase(new[] { "hwk", "pin" }, AuthenticationLevel.Mfa)]
    [TestCase(new[] { "mfa" }, AuthenticationLevel.Mfa)]
    [TestCase(new[] { "otp", "sms" }, AuthenticationLevel.Password)]
    [TestCase(new[] { "pwd", "geo" }, AuthenticationLevel.Password)]
    [TestCase(new string[0], AuthenticationLevel.Password)]
    public void Authentication_level_is_read_from_amr(string[] amr, AuthenticationLevel expected) =>
        Assert.That(AuthenticationStrength.LevelFromAmr(amr), Is.EqualTo(expected));
}
