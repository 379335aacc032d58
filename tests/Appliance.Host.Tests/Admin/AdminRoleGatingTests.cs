using System.Net;
using Appliance.Core.Identity;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>Who may open which admin page, what the admin navigation lists, and that every admin POST needs the antiforgery token.</summary>
public sealed class AdminRoleGatingTests : ApplianceFixture
{
    private static readonly string[] AdminPages = ["/admin", "/admin/users", "/admin/meetings", "/admin/system", "/admin/policies", "/admin/audit"];

    private readonly Dictionary<string, StaffSession> _byRole = new(StringComparer.Ordinal);

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        foreach (var role in new[] { RoleNames.Organiser, RoleNames.SecurityOfficer, RoleNames.Operator, RoleNames.Auditor })
        {
            _byRole[role] = await AddStaffAsync("gate-" + role.ToLowerInvariant(), "Gate " + role, role);
        }
    }

    [TestCase("Operator", "/admin/policies")]
    [TestCase("SecurityOfficer", "/admin/meetings", "/admin/users", "/admin/system")]
    [TestCase("Auditor", "/admin/meetings", "/admin/users", "/admin/system")]
    [TestCase("Organiser", "/admin", "/admin/meetings", "/admin/users", "/admin/system", "/admin/policies", "/admin/audit")]
    public async Task Each_role_opens_exactly_its_admin_pages(string role, params string[] refused)
    {
        var session = _byRole[role];
        foreach (var path in AdminPages)
        {
            var page = await Forms.GetAsync(session.Client, path);
            if (path == "/admin" && role is RoleNames.SecurityOfficer or RoleNames.Auditor)
            {
                // The dashboard is the operators'; the others arrive at /admin too and are sent on (tested below).
                page = await Forms.GetAsync(session.Client, page.Location!);
            }

            if (refused.Contains(path))
            {
                Assert.That(page.Location, Does.Contain("/denied?"), $"{role} must not open {path} (got {(int)page.Status})");
            }
            else
            {
                Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), $"{role} must open {path}");
            }
        }
    }

    [TestCase("SecurityOfficer", "/admin/policies")]
    [TestCase("Auditor", "/admin/policies")]
    public async Task Officers_and_auditors_opening_admin_are_sent_on_to_their_first_page_without_the_dashboard(string role, string first)
    {
        var page = await Forms.GetAsync(_byRole[role].Client, "/admin");
        var onward = await Forms.GetAsync(_byRole[role].Client, page.Location!);

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(page.Location, Is.EqualTo(first));
            Assert.That(page.Body, Is.Empty, "no dashboard figures on the way");
            Assert.That(onward.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [TestCase("Operator", "/admin/audit", "/admin/policies")]
    [TestCase("SecurityOfficer", "/admin/policies", "/admin/users")]
    [TestCase("Auditor", "/admin/audit", "/admin/meetings")]
    public async Task The_admin_navigation_lists_only_the_pages_the_role_may_open(string role, string page, string hidden)
    {
        var body = (await Forms.GetAsync(_byRole[role].Client, page)).Body;

        Assert.That(body, Does.Not.Contain($"href=\"{hidden}\""));
    }

    [TestCase("da-DK", "Dine roller her: Mødeholder.", "Spørg en driftsansvarlig")]
    [TestCase("en-GB", "Your roles here: Organiser.", "Ask an operator if you should have it.")]
    [TestCase("sv-SE", "Dina roller här: Mötesarrangör.", "Fråga en driftansvarig")]
    public async Task Refused_page_names_a_local_accounts_roles_and_who_can_change_them(string language, string roles, string ask)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/denied?returnUrl=%2Fadmin%2Fpolicies");
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await _byRole[RoleNames.Organiser].Client.SendAsync(request);
        var text = MeetingPages.VisibleText(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(text, Does.Contain(roles));
            Assert.That(text, Does.Contain(ask));
        });
    }

    [Test]
    public async Task An_organiser_sees_no_administration_link()
    {
        var body = (await Forms.GetAsync(_byRole[RoleNames.Organiser].Client, "/meetings")).Body;

        Assert.That(body, Does.Not.Contain("href=\"/admin"));
    }

    [TestCase("/admin/policies?handler=Propose")]
    [TestCase("/admin/policies?handler=Preview")]
    [TestCase("/admin/policies?handler=Approve")]
    [TestCase("/admin/policies?handler=Reject")]
    [TestCase("/admin/audit?handler=Export")]
    [TestCase("/admin/audit?handler=Verify")]
    [TestCase("/admin/users")]
    [TestCase("/admin/users?handler=Roles")]
    [TestCase("/admin/meetings?handler=End")]
    [TestCase("/admin/system?handler=Network")]
    [TestCase("/admin/system?handler=Certificate")]
    [TestCase("/admin/system?handler=Backup")]
    public async Task Every_admin_post_needs_the_antiforgery_token(string path)
    {
        var page = await Forms.PostAsync(Admin.Client, path, Forms.Fields(("id", "x")), token: null);

        Assert.That(page.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task An_auditor_reads_the_policy_but_cannot_change_it()
    {
        var auditor = _byRole[RoleNames.Auditor];
        var page = await Forms.GetAsync(auditor.Client, "/admin/policies?edit=internal");
        var fields = await AdminSteps.LevelFormAsync(Appliance, "internal", f => f.ScreenShare = "no");
        var post = await Forms.SubmitAsync(auditor.Client, "/admin/policies", fields, "/admin/policies?handler=Propose");

        Assert.Multiple(async () =>
        {
            Assert.That(page.Body, Does.Contain("id=\"level-internal\""));
            Assert.That(page.Body, Does.Not.Contain("handler=Propose"));
            Assert.That(post.Location, Does.Contain("/denied?"));
            Assert.That((await AdminSteps.ControlsAsync(Appliance, "internal")).ScreenShareAllowed, Is.True);
        });
    }
}
