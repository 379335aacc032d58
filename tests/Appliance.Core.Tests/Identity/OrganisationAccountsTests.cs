using Appliance.Core.Identity;
using Appliance.Core.Validation;

namespace Appliance.Core.Tests.Identity;

public class OrganisationAccountsTests : DatabaseTest
{
    private const string Issuer = "https://idp.example.org/realms/staff";
    private const string Strong = "urn:example:loa:high";

    private static readonly OrganisationSignInRules Rules = new(
        [new RoleMapping("organisers", StaffRoles.Organiser), new RoleMapping("ops", StaffRoles.Operator | StaffRoles.Auditor), new RoleMapping("Organisers-Two", StaffRoles.Organiser)],
        [Strong],
        RequireMfa: true);

    private OrganisationAccounts Accounts => new(Database.Identity, Time, Rules);

    private static OrganisationIdentity Person(string subject = "s-1", string[]? roles = null, string? acr = Strong, string[]? amr = null, string? name = "Kim Case") =>
        new(Issuer, subject, name, roles ?? ["organisers"], acr, amr ?? ["pwd", "otp"]);

    // RFC 8176 amr values: "mfa", or methods of two different kinds (known, held, being).
    [TestCase(new[] { "mfa" }, true)]
    [TestCase(new[] { "pwd", "otp" }, true)]
    [TestCase(new[] { "pin", "hwk" }, true)]
    [TestCase(new[] { "hwk", "fpt" }, true)]
    [TestCase(new[] { "pwd", "face" }, true)]
    [TestCase(new[] { "pwd" }, false)]
    [TestCase(new[] { "pwd", "pin", "kba" }, false)]
    [TestCase(new[] { "otp", "hwk", "sms" }, false)]
    [TestCase(new string[0], false)]
    [TestCase(new[] { "MFA" }, false)]
    public void Multi_factor_is_read_from_amr(string[] amr, bool expected) =>
        Assert.That(OrganisationAccounts.IsMultiFactor(amr), Is.EqualTo(expected));

    [TestCase(new[] { "organisers" }, StaffRoles.Organiser)]
    [TestCase(new[] { "ops" }, StaffRoles.Operator | StaffRoles.Auditor)]
    [TestCase(new[] { "organisers", "ops", "other" }, StaffRoles.Organiser | StaffRoles.Operator | StaffRoles.Auditor)]
    [TestCase(new[] { "Organisers", "OPS" }, StaffRoles.None)]
    [TestCase(new string[0], StaffRoles.None)]
    public void Roles_map_exactly_and_add_up(string[] values, StaffRoles expected) =>
        Assert.That(Accounts.RolesFor(values), Is.EqualTo(expected));

    [TestCase(Strong, new[] { "pwd", "otp" }, true)]
    [TestCase("urn:example:loa:low", new[] { "pwd", "otp" }, false)]
    [TestCase(null, new[] { "pwd", "otp" }, false)]
    [TestCase(Strong, new[] { "pwd" }, false)]
    public void Strength_needs_an_accepted_acr_and_more_than_one_factor(string? acr, string[] amr, bool expected) =>
        Assert.That(Accounts.IsStrongEnough(acr, amr), Is.EqualTo(expected));

    [Test]
    public async Task First_sign_in_links_an_account_without_a_password_and_the_next_finds_it()
    {
        var first = await Accounts.SignInAsync(Person());
        var second = await Accounts.SignInAsync(Person());
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(OrganisationSignInStatus.SignedIn));
            Assert.That(second.User!.Id, Is.EqualTo(first.User!.Id));
            Assert.That(first.User.UserName, Does.StartWith(OrganisationAccounts.UserNamePrefix));
            Assert.That(first.User.IsExternal, Is.True);
            Assert.That((first.User.ExternalIssuer, first.User.ExternalSubject), Is.EqualTo((Issuer, "s-1")));
        });
    }

    [Test]
    public async Task Same_subject_at_another_issuer_is_another_person()
    {
        var here = await Accounts.SignInAsync(Person());
        var there = await Accounts.SignInAsync(Person() with { Issuer = "https://other.example.org" });
        Assert.That(there.User!.Id, Is.Not.EqualTo(here.User!.Id));
    }

    [Test]
    public async Task Roles_are_replaced_on_each_sign_in_and_a_change_ends_other_sessions()
    {
        var first = await Accounts.SignInAsync(Person(roles: ["organisers", "ops"]));
        var same = await Accounts.SignInAsync(Person(roles: ["organisers", "ops"]));
        var fewer = await Accounts.SignInAsync(Person(roles: ["organisers"]));
        Assert.Multiple(() =>
        {
            Assert.That(same.User!.SecurityStamp, Is.EqualTo(first.User!.SecurityStamp), "unchanged roles keep sessions");
            Assert.That(fewer.User!.Roles, Is.EqualTo(StaffRoles.Organiser));
            Assert.That(fewer.User.SecurityStamp, Is.Not.EqualTo(first.User.SecurityStamp), "the sessions with the old roles end");
        });
    }

    [Test]
    public async Task Weak_sign_in_is_refused_before_any_account_is_made()
    {
        var result = await Accounts.SignInAsync(Person(acr: "urn:example:loa:low"));
        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(OrganisationSignInStatus.TooWeak));
            Assert.That(await Database.Identity.CountUsersAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task Person_without_a_mapped_role_gets_no_account()
    {
        var result = await Accounts.SignInAsync(Person(roles: ["everyone"]));
        Assert.Multiple(async () =>
        {
            Assert.That(result.Status, Is.EqualTo(OrganisationSignInStatus.NoRole));
            Assert.That(await Database.Identity.CountUsersAsync(), Is.Zero);
        });
    }

    [Test]
    public async Task Account_disabled_by_an_operator_is_refused_and_enabled_again_signs_in()
    {
        var person = (await Accounts.SignInAsync(Person())).User!;
        var local = new LocalAccounts(Database.Identity, Time);
        var operatorActor = new StaffActor("aaaaaaaaaaaaaaaaaaaaaaaaaa", "Op", StaffRoles.Operator);
        var disabled = await local.SetDisabledAsync(operatorActor, person.Id, disabled: true);
        var refused = await Accounts.SignInAsync(Person());
        await local.SetDisabledAsync(operatorActor, person.Id, disabled: false);
        var again = await Accounts.SignInAsync(Person());
        Assert.Multiple(() =>
        {
            Assert.That(disabled.Value!.SecurityStamp, Is.Not.EqualTo(person.SecurityStamp));
            Assert.That(refused.Status, Is.EqualTo(OrganisationSignInStatus.Disabled));
            Assert.That(again.Status, Is.EqualTo(OrganisationSignInStatus.SignedIn));
        });
    }

    [Test]
    public async Task Only_an_operator_disables_and_never_their_own_account()
    {
        var person = (await Accounts.SignInAsync(Person(roles: ["ops"]))).User!;
        var local = new LocalAccounts(Database.Identity, Time);
        var self = await local.SetDisabledAsync(new StaffActor(person.Id, "Self", StaffRoles.Operator), person.Id, disabled: true);
        var organiser = await local.SetDisabledAsync(new StaffActor("aaaaaaaaaaaaaaaaaaaaaaaaaa", "Org", StaffRoles.Organiser), person.Id, disabled: true);
        Assert.Multiple(() =>
        {
            Assert.That(self.Failure, Is.EqualTo(FailureKind.Forbidden));
            Assert.That(organiser.Failure, Is.EqualTo(FailureKind.Forbidden));
        });
    }

    [Test]
    public async Task Linked_account_cannot_sign_in_with_a_password()
    {
        var person = (await Accounts.SignInAsync(Person())).User!;
        var result = await new LocalAccounts(Database.Identity, Time).CheckPasswordAsync(person.UserName, "!external");
        Assert.That(result.Status, Is.EqualTo(SignInStatus.Failed));
    }

    [Test]
    public async Task Control_and_bidi_characters_are_removed_from_the_name()
    {
        var result = await Accounts.SignInAsync(Person(name: "Kim\u202E Case\u0007"));
        Assert.That(result.User!.DisplayName, Is.EqualTo("Kim Case"));
    }
}
