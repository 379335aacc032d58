using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>The users page: an operator changes the roles of local accounts.</summary>
public sealed class UsersPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;

    [Test]
    public async Task An_operator_changes_roles_the_session_ends_and_the_change_is_audited()
    {
        using var person = await Admin.CreateUserAsync("role-change", "Rita Roles", RoleNames.Organiser);
        Assert.That((await Forms.GetAsync(person.Client, "/meetings")).Status, Is.EqualTo(HttpStatusCode.OK));
        var user = (await UserAsync("role-change"))!;

        var page = await Forms.SubmitAsync(
            Admin.Client, "/admin/users",
            Forms.Fields(("userId", user.Id), ("newRoles", RoleNames.Auditor), ("newRoles", RoleNames.SecurityOfficer)),
            "/admin/users?handler=Roles");

        var changed = (await UserAsync("role-change"))!;
        var running = await Forms.GetAsync(person.Client, "/meetings");
        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(page.Location, Is.EqualTo("/admin/users"), string.Join("; ", Forms.ErrorSummary(page.Body)));
            Assert.That(changed.Roles, Is.EqualTo(StaffRoles.Auditor | StaffRoles.SecurityOfficer));
            Assert.That(changed.SecurityStamp, Is.Not.EqualTo(user.SecurityStamp));
            Assert.That(running.Status, Is.EqualTo(HttpStatusCode.Redirect), "the running session ends at once");
            Assert.That(entries.Any(e => e.Action == AuditAction.RolesChanged && e.Target == user.Id && e.Outcome == AuditOutcome.Success), Is.True);
        });
    }

    [Test]
    public async Task An_operator_cannot_remove_their_own_operator_role()
    {
        var self = (await UserAsync(Admin.UserName))!;

        var page = await Forms.SubmitAsync(
            Admin.Client, "/admin/users",
            Forms.Fields(("userId", self.Id), ("newRoles", RoleNames.Organiser)),
            "/admin/users?handler=Roles");

        var after = (await UserAsync(Admin.UserName))!;
        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Forms.ErrorSummary(page.Body), Is.Not.Empty);
            Assert.That(after.Roles, Is.EqualTo(self.Roles));
            Assert.That(after.SecurityStamp, Is.EqualTo(self.SecurityStamp));
            Assert.That(entries.Any(e => e.Action == AuditAction.RolesChanged && e.Target == self.Id && e.Outcome == AuditOutcome.Denied), Is.True);
        });
    }

    [Test]
    public async Task The_own_operator_checkbox_is_locked_and_every_local_account_has_the_roles_form()
    {
        var page = await Forms.GetAsync(Admin.Client, "/admin/users");

        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("handler=Roles"));
            Assert.That(WebUtility.HtmlDecode(page.Body), Does.Contain(T.Get("en", "admin.user.roles.note")));
        });
    }

    [Test]
    public async Task Without_oidc_no_role_mappings_are_shown()
    {
        var page = await Forms.GetAsync(Admin.Client, "/admin/users");

        Assert.That(page.Body, Does.Not.Contain("id=\"role-mappings\""));
    }

    [Test]
    public async Task Changing_roles_needs_the_antiforgery_token()
    {
        using var person = await Admin.CreateUserAsync("role-csrf", "Carl Csrf", RoleNames.Organiser);
        var user = (await UserAsync("role-csrf"))!;

        var page = await Forms.PostAsync(Admin.Client, "/admin/users?handler=Roles", Forms.Fields(("userId", user.Id), ("newRoles", RoleNames.Operator)), token: null);

        Assert.Multiple(async () =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await UserAsync("role-csrf"))!.Roles, Is.EqualTo(StaffRoles.Organiser));
        });
    }

    [Test]
    public async Task A_non_operator_cannot_change_roles()
    {
        using var person = await Admin.CreateUserAsync("role-officer", "Olga Officer", RoleNames.SecurityOfficer);
        var self = (await UserAsync("role-officer"))!;

        var page = await Forms.PostAsync(person.Client, "/admin/users?handler=Roles", Forms.Fields(("userId", self.Id), ("newRoles", RoleNames.Operator)), Forms.FindToken((await Forms.GetAsync(person.Client, "/account/tokens")).Body));

        Assert.Multiple(async () =>
        {
            Assert.That(page.Status, Is.Not.EqualTo(HttpStatusCode.OK));
            Assert.That((await UserAsync("role-officer"))!.Roles, Is.EqualTo(StaffRoles.SecurityOfficer));
        });
    }

    private Task<StaffUser?> UserAsync(string userName) => Appliance.Service<IIdentityStore>().FindUserByNameAsync(userName);
}
