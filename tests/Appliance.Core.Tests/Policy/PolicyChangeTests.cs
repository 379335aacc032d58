using Appliance.Core.Policy;

namespace Appliance.Core.Tests.Policy;

public sealed class PolicyChangeTests
{
    private static readonly PolicyLevel Base = PolicyScenario.Level(PolicyPresets.Internal);

    public static IEnumerable<TestCaseData> Moves()
    {
        TestCaseData Row(string name, PolicyControl control, ChangeDirection direction, Func<PolicyControls, PolicyControls> change) =>
            new TestCaseData(control, direction, change).SetName($"{control}_{name}_is_{direction}");

        yield return Row("off", PolicyControl.ApplianceMayCarry, ChangeDirection.Tightened, c => c with { ApplianceMayCarry = false });
        yield return Row("on", PolicyControl.EndToEndEncryptionRequired, ChangeDirection.Tightened, c => c with { EndToEndEncryptionRequired = true });
        yield return Row("none", PolicyControl.Guests, ChangeDirection.Tightened, c => c with { Guests = GuestAccess.None });
        yield return Row("direct", PolicyControl.Guests, ChangeDirection.Loosened, c => c with { Guests = GuestAccess.Direct });
        yield return Row("pin", PolicyControl.GuestProof, ChangeDirection.Tightened, c => c with { GuestProof = GuestProof.LinkAndPin });
        yield return Row("mfa", PolicyControl.StaffAuthentication, ChangeDirection.Tightened, c => c with { StaffAuthentication = AuthenticationStrength.Mfa });
        yield return Row("acr", PolicyControl.StaffAuthentication, ChangeDirection.Tightened, c => c with { StaffAuthentication = new(AuthenticationLevel.Password, ["high"]) });
        yield return Row("on", PolicyControl.LobbyRequired, ChangeDirection.Tightened, c => c with { LobbyRequired = true });
        yield return Row("off", PolicyControl.RecordingAllowed, ChangeDirection.Tightened, c => c with { RecordingAllowed = false });
        yield return Row("off", PolicyControl.ChatAllowed, ChangeDirection.Tightened, c => c with { ChatAllowed = false });
        yield return Row("longer", PolicyControl.ChatRetention, ChangeDirection.Loosened, c => c with { ChatRetention = TimeSpan.FromDays(14) });
        yield return Row("shorter", PolicyControl.ChatRetention, ChangeDirection.Tightened, c => c with { ChatRetention = TimeSpan.Zero });
        yield return Row("off", PolicyControl.ScreenShareAllowed, ChangeDirection.Tightened, c => c with { ScreenShareAllowed = false });
        yield return Row("off", PolicyControl.SipDialInAllowed, ChangeDirection.Tightened, c => c with { SipDialInAllowed = false });
        yield return Row("off", PolicyControl.SipDialOutAllowed, ChangeDirection.Tightened, c => c with { SipDialOutAllowed = false });
        yield return Row("more", PolicyControl.MaxParticipants, ChangeDirection.Loosened, c => c with { MaxParticipants = 200 });
        yield return Row("fewer", PolicyControl.MaxParticipants, ChangeDirection.Tightened, c => c with { MaxParticipants = 10 });
        yield return Row("longer", PolicyControl.MaxDuration, ChangeDirection.Loosened, c => c with { MaxDuration = TimeSpan.FromHours(12) });
        yield return Row("shorter", PolicyControl.MaxDuration, ChangeDirection.Tightened, c => c with { MaxDuration = TimeSpan.FromHours(1) });
        yield return Row("narrower", PolicyControl.AllowedNetworks, ChangeDirection.Tightened, c => c with { AllowedNetworks = ClientNetworks.PrivateOnly });
        yield return Row("longer", PolicyControl.DataRetentionDays, ChangeDirection.Loosened, c => c with { DataRetentionDays = 365 });
        yield return Row("shorter", PolicyControl.DataRetentionDays, ChangeDirection.Tightened, c => c with { DataRetentionDays = 7 });
    }

    [TestCaseSource(nameof(Moves))]
    public void A_single_control_change_is_classified(PolicyControl control, ChangeDirection direction, Func<PolicyControls, PolicyControls> change)
    {
        var after = Base.WithControls(change(Base.Controls));

        var forward = PolicyChange.Compare(Base, after);
        var back = PolicyChange.Compare(after, Base);

        var opposite = direction == ChangeDirection.Tightened ? ChangeDirection.Loosened : ChangeDirection.Tightened;
        Assert.Multiple(() =>
        {
            Assert.That(forward.Changes, Has.Count.EqualTo(1));
            Assert.That(forward.DirectionOf(Base.Id, control), Is.EqualTo(direction));
            Assert.That(back.DirectionOf(Base.Id, control), Is.EqualTo(opposite));
            Assert.That(forward.IsLoosening, Is.EqualTo(direction == ChangeDirection.Loosened));
        });
    }

    [Test]
    public void Swapping_one_network_for_another_is_a_loosening()
    {
        var before = Base.WithControls(Base.Controls with { AllowedNetworks = ClientNetworks.Parse("10.1.0.0/16") });
        var after = Base.WithControls(Base.Controls with { AllowedNetworks = ClientNetworks.Parse("10.2.0.0/16") });

        Assert.That(PolicyChange.Compare(before, after).DirectionOf(Base.Id, PolicyControl.AllowedNetworks), Is.EqualTo(ChangeDirection.Loosened));
    }

    [Test]
    public void Swapping_one_acr_for_another_is_a_loosening_and_narrowing_the_list_a_tightening()
    {
        AuthenticationStrength Acr(params string[] values) => new(AuthenticationLevel.Mfa, values);
        ChangeDirection Move(AuthenticationStrength a, AuthenticationStrength b) =>
            PolicyChange.Compare(Base.WithControls(Base.Controls with { StaffAuthentication = a }), Base.WithControls(Base.Controls with { StaffAuthentication = b }))
                .DirectionOf(Base.Id, PolicyControl.StaffAuthentication);

        Assert.Multiple(() =>
        {
            Assert.That(Move(Acr("substantial"), Acr("high")), Is.EqualTo(ChangeDirection.Loosened));
            Assert.That(Move(Acr("substantial", "high"), Acr("high")), Is.EqualTo(ChangeDirection.Tightened));
            Assert.That(Move(Acr("high"), AuthenticationStrength.Mfa), Is.EqualTo(ChangeDirection.Loosened));
        });
    }

    [Test]
    public void A_new_marking_is_neutral_and_listed()
    {
        var after = Base with { Markings = new Dictionary<string, string> { ["en"] = "NEW", ["da"] = "NY", ["sv"] = "NY" } };

        var change = PolicyChange.Compare(Base, after);

        Assert.Multiple(() =>
        {
            Assert.That(change.IsLoosening || change.IsTightening, Is.False);
            Assert.That(change.DirectionOf(Base.Id, PolicyControl.Labels), Is.EqualTo(ChangeDirection.Neutral));
            Assert.That(change.Descriptions.Single(), Does.Contain("NY"));
        });
    }

    [Test]
    public void A_set_change_lists_every_level_and_a_new_bookable_level_loosens()
    {
        var before = PolicyPresets.Basic;
        var open = before.Get("open");
        var after = new PolicySet(before.SchemeId, 2, before.Levels.Select(l => l.Id == "internal" ? l.WithControls(l.Controls with { RecordingAllowed = false }) : l)
            .Append(open with { Id = "extra", Rank = 99 }));

        var change = PolicyChange.Compare(before, after);

        Assert.Multiple(() =>
        {
            Assert.That(change.DirectionOf("internal", PolicyControl.RecordingAllowed), Is.EqualTo(ChangeDirection.Tightened));
            Assert.That(change.DirectionOf("extra", PolicyControl.Level), Is.EqualTo(ChangeDirection.Loosened));
            Assert.That(change.Descriptions, Has.Some.EqualTo("internal: RecordingAllowed yes → no (tightened)"));
            Assert.That(PolicyChange.Compare(before, before).IsEmpty, Is.True);
        });
    }

    [Test]
    public void The_stricter_of_two_controls_takes_the_strictest_value_of_each()
    {
        var a = PolicyPresets.Open with { RecordingAllowed = false, MaxParticipants = 500, AllowedNetworks = ClientNetworks.Parse("10.0.0.0/8") };
        var b = PolicyPresets.Confidential with { RecordingAllowed = true, ScreenShareAllowed = true, AllowedNetworks = ClientNetworks.Parse("10.5.0.0/16", "192.168.0.0/16") };

        var strict = a.Stricter(b);

        Assert.Multiple(() =>
        {
            Assert.That(strict.RecordingAllowed, Is.False);
            Assert.That(strict.EndToEndEncryptionRequired, Is.True);
            Assert.That(strict.MaxParticipants, Is.EqualTo(20));
            Assert.That(strict.GuestProof, Is.EqualTo(GuestProof.LinkAndPin));
            Assert.That(strict.AllowedNetworks, Is.EqualTo(ClientNetworks.Parse("10.5.0.0/16")));
            Assert.That(strict, Is.EqualTo(b.Stricter(a)));
            Assert.That(PolicyChange.Compare(PolicyScenario.Level(a), PolicyScenario.Level(strict)).IsLoosening, Is.False);
            Assert.That(PolicyChange.Compare(PolicyScenario.Level(b), PolicyScenario.Level(strict)).IsLoosening, Is.False);
        });
    }
}
