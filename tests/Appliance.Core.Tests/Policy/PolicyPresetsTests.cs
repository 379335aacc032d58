using System.Net;
using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Policy;

namespace Appliance.Core.Tests.Policy;

public sealed class PolicyPresetsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An organiser with MFA on the office network, as strong as staff get.</summary>
    private static readonly PolicyActor Organiser = PolicyActor.Staff("u-1", StaffRoles.Organiser, IPAddress.Parse("10.0.0.5"), ["pwd", "otp"]);

    public static IEnumerable<PolicySet> Presets() => PolicyPresets.All;

    public static IEnumerable<PolicyLevel> Levels() => PolicyPresets.All.SelectMany(p => p.Levels);

    /// <summary>
    /// Each preset level and what it must say: carried, E2EE, guests, guest proof, MFA, lobby, recording, screen share,
    /// SIP dial-in. Written out so that a change to a preset is a deliberate change to this table.
    /// </summary>
    public static IEnumerable<TestCaseData> Expectations()
    {
        const bool Y = true;
        const bool N = false;
        object[][] rows =
        [
            ["basic", "open", Y, N, GuestAccess.Direct, GuestProof.Link, N, N, Y, Y, Y],
            ["basic", "internal", Y, N, GuestAccess.ViaLobby, GuestProof.Link, N, N, Y, Y, Y],
            ["basic", "confidential", Y, Y, GuestAccess.ViaLobby, GuestProof.LinkAndPin, Y, N, N, Y, N],
            ["se", "oppen", Y, N, GuestAccess.Direct, GuestProof.Link, N, N, Y, Y, Y],
            ["se", "k1", Y, N, GuestAccess.ViaLobby, GuestProof.Link, N, N, Y, Y, Y],
            ["se", "k2", Y, Y, GuestAccess.ViaLobby, GuestProof.LinkAndPin, Y, N, N, Y, N],
            ["se", "k3", Y, Y, GuestAccess.ViaLobby, GuestProof.LinkAndPin, Y, Y, N, Y, N],
            ["se", "begransat-hemlig", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["se", "konfidentiell", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["se", "hemlig", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["se", "kvalificerat-hemlig", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["dk", "uklassificeret", Y, N, GuestAccess.ViaLobby, GuestProof.Link, N, N, Y, Y, Y],
            ["dk", "til-tjenestebrug", Y, Y, GuestAccess.ViaLobby, GuestProof.LinkAndPin, Y, Y, N, Y, N],
            ["dk", "fortroligt", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["dk", "hemmeligt", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["dk", "yderst-hemmeligt", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["eu", "eu-unclassified", Y, N, GuestAccess.ViaLobby, GuestProof.Link, N, N, Y, Y, Y],
            ["eu", "eu-restricted", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["eu", "eu-confidential", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["eu", "eu-secret", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
            ["eu", "eu-top-secret", N, Y, GuestAccess.None, GuestProof.StaffOidc, Y, Y, N, N, N],
        ];
        return rows.Select(r => new TestCaseData(r).SetName($"Preset_{r[0]}_{r[1]}_has_its_controls"));
    }

    [TestCaseSource(nameof(Expectations))]
    public void Preset_level_has_its_controls(
        string preset, string level, bool carried, bool e2ee, GuestAccess guests, GuestProof proof, bool mfa, bool lobby, bool recording, bool screenShare, bool dialIn)
    {
        var controls = PolicyPresets.Get(preset).Get(level).Controls;

        Assert.Multiple(() =>
        {
            Assert.That(controls.ApplianceMayCarry, Is.EqualTo(carried), "carried");
            Assert.That(controls.EndToEndEncryptionRequired, Is.EqualTo(e2ee), "e2ee");
            Assert.That(controls.Guests, Is.EqualTo(guests), "guests");
            Assert.That(controls.GuestProof, Is.EqualTo(proof), "proof");
            Assert.That(controls.StaffAuthentication.Level == AuthenticationLevel.Mfa, Is.EqualTo(mfa), "mfa");
            Assert.That(controls.LobbyRequired, Is.EqualTo(lobby), "lobby");
            Assert.That(controls.RecordingAllowed, Is.EqualTo(recording), "recording");
            Assert.That(controls.ScreenShareAllowed, Is.EqualTo(screenShare), "screen share");
            Assert.That(controls.SipDialInAllowed, Is.EqualTo(dialIn), "dial-in");
        });
    }

    [Test]
    public void Every_preset_level_is_in_the_expectation_table()
    {
        var listed = Expectations().Select(e => $"{e.Arguments[0]}/{e.Arguments[1]}").ToHashSet();
        var actual = PolicyPresets.All.SelectMany(p => p.Levels.Select(l => $"{p.SchemeId}/{l.Id}"));
        Assert.That(actual, Is.EquivalentTo(listed));
    }

    [TestCaseSource(nameof(Presets))]
    public void Preset_is_valid(PolicySet preset) => Assert.That(preset.Validate(), Is.Empty);

    [TestCaseSource(nameof(Presets))]
    public void Preset_levels_only_get_stricter_as_rank_rises(PolicySet preset)
    {
        for (var i = 1; i < preset.Levels.Count; i++)
        {
            var change = PolicyChange.Compare(preset.Levels[i - 1], preset.Levels[i]);
            Assert.That(change.IsLoosening, Is.False, $"{preset.Levels[i].Id}: {string.Join("; ", change.Descriptions)}");
        }
    }

    [TestCaseSource(nameof(Levels))]
    public void Booking_a_preset_level_follows_whether_the_appliance_may_carry_it(PolicyLevel level)
    {
        var meeting = new PolicyContext { Level = level, ScheduledStart = Start, ScheduledEnd = Start.AddMinutes(45), Now = Start.AddDays(-1), ParticipantCount = 2 };

        var decision = PolicyEngine.Decide(meeting, Organiser, PolicyAction.Book);

        Assert.That(decision.RuleId, Is.EqualTo(level.Controls.ApplianceMayCarry ? PolicyRules.Allowed.Id : PolicyRules.LevelNotCarried.Id));
        if (!decision.Allowed)
        {
            Assert.That(decision.ReasonIn("da"), Does.Contain(level.NameIn("da")));
        }
    }

    [TestCaseSource(nameof(Levels))]
    public void Preset_level_carried_above_internal_keeps_SIP_and_recording_off(PolicyLevel level)
    {
        var c = level.Controls;
        if (c.EndToEndEncryptionRequired)
        {
            Assert.Multiple(() =>
            {
                Assert.That(c.SipDialInAllowed || c.SipDialOutAllowed, Is.False, "E2EE levels cannot offer SIP");
                Assert.That(c.RecordingAllowed, Is.False);
                Assert.That(c.StaffAuthentication.Level, Is.EqualTo(AuthenticationLevel.Mfa));
                Assert.That(c.ChatRetention, Is.EqualTo(TimeSpan.Zero));
                Assert.That(c.DataRetentionDays, Is.LessThanOrEqualTo(7));
                Assert.That(c.Guests == GuestAccess.None || c.GuestProof >= GuestProof.LinkAndPin, Is.True);
            });
        }
    }

    [Test]
    public void Basic_preset_uses_the_ids_of_the_existing_catalog()
    {
        Assert.That(PolicyPresets.Basic.Levels.Select(l => l.Id), Is.EqualTo(ClassificationCatalog.Basic.Levels.Select(l => l.Id)));
        foreach (var level in ClassificationCatalog.Basic.Levels)
        {
            var policy = PolicyPresets.Basic.Get(level.Id);
            Assert.That(policy.Colour, Is.EqualTo(level.Colour));
            Assert.That(policy.Markings, Is.EquivalentTo(level.Markings));
        }
    }

    [Test]
    public void Presets_are_found_by_id_and_an_unknown_id_names_the_known_ones()
    {
        Assert.That(PolicyPresets.All.Select(p => PolicyPresets.Get(p.SchemeId)), Is.EqualTo(PolicyPresets.All));
        Assert.That(() => PolicyPresets.Get("no"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("basic, se, dk, eu"));
    }

    [Test]
    public void National_markings_are_not_translated()
    {
        var fortroligt = PolicyPresets.Danish.Get("fortroligt");
        var hemlig = PolicyPresets.Swedish.Get("hemlig");

        Assert.Multiple(() =>
        {
            Assert.That(fortroligt.MarkingIn("en"), Is.EqualTo("FORTROLIGT"));
            Assert.That(fortroligt.MarkingIn("sv"), Is.EqualTo("FORTROLIGT"));
            Assert.That(hemlig.MarkingIn("da"), Is.EqualTo("HEMLIG"));
            Assert.That(PolicyPresets.Eu.Get("eu-secret").MarkingIn("sv"), Is.EqualTo("SECRET UE/EU SECRET"));
        });
    }

    [TestCase("red")]
    [TestCase("#12345")]
    [TestCase("#12345g")]
    public void A_colour_that_is_not_rrggbb_is_refused(string colour)
    {
        var level = PolicyPresets.Basic.Get("open") with { Colour = colour };
        Assert.That(level.Validate(), Has.Some.Contains("is not #rrggbb"));
    }

    [TestCaseSource(nameof(Levels))]
    public void Preset_marking_text_reaches_WCAG_AA_on_its_colour(PolicyLevel level) =>
        Assert.That(Contrast.Ratio(level.Colour, level.TextColour), Is.GreaterThanOrEqualTo(PolicyLevel.MinimumContrast));

    [Test]
    public void A_level_missing_a_language_is_refused()
    {
        var level = PolicyPresets.Basic.Get("open") with { Names = new Dictionary<string, string> { ["en"] = "Open", ["da"] = "Åben" } };
        Assert.That(level.Validate(), Has.Some.Contains("no name in 'sv'"));
    }

    [Test]
    public void A_set_with_duplicate_ranks_or_nothing_to_carry_is_refused()
    {
        var open = PolicyPresets.Basic.Get("open");
        var twice = new PolicySet("x", 1, [open, open with { Id = "other" }]);
        var nothing = new PolicySet("x", 1, [open with { Controls = open.Controls with { ApplianceMayCarry = false } }]);

        Assert.Multiple(() =>
        {
            Assert.That(twice.Validate(), Has.Some.Contains("Rank 0"));
            Assert.That(nothing.Validate(), Has.Some.Contains("may carry"));
        });
    }
}
