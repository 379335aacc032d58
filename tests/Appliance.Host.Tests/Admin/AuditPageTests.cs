using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>The audit page: filter, export (itself audited), verify, and who may do which.</summary>
public sealed class AuditPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;
    private StaffSession _auditor = null!;
    private StaffSession _operator = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _auditor = await AddStaffAsync("auditor", "Aud Itor", RoleNames.Auditor);
        _operator = await AddStaffAsync("operator", "Opal Operator", RoleNames.Operator);
        await Appliance.Service<IAuditLog>().AppendAsync(new AuditEvent("sip:=cmd|' /C calc'!A0", AuditAction.Denied, "=HYPERLINK(\"x\")", AuditOutcome.Denied));
    }

    [Test]
    public async Task The_auditor_filters_by_action_and_outcome()
    {
        var page = await Forms.GetAsync(_auditor.Client, "/admin/audit?Action=Denied&Outcome=Denied");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain("<td>Denied</td>"));
            Assert.That(page.Body, Does.Not.Contain("<td>PolicyInstalled</td>"));
        });
    }

    [Test]
    public async Task The_auditor_filters_by_the_actors_name()
    {
        await Forms.SubmitAsync(_auditor.Client, "/admin/audit", [], "/admin/audit?handler=Verify");

        var page = await Forms.GetAsync(_auditor.Client, "/admin/audit?Actor=aud+itor");

        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("Aud Itor ("));
            Assert.That(page.Body, Does.Not.Contain("sip:"));
        });
    }

    [TestCase("From=2026-13-01", "from")]
    [TestCase("From=2026-05-02&To=2026-05-01", "to")]
    [TestCase("Action=Everything", "action")]
    [TestCase("Outcome=7", "outcome")]
    public async Task An_invalid_filter_is_shown_with_its_field(string query, string field)
    {
        var page = await Forms.GetAsync(_auditor.Client, "/admin/audit?" + query);

        Assert.That(page.Body, Does.Contain($"href=\"#{field}\""));
    }

    [Test]
    public async Task Export_downloads_csv_with_formulas_defused_and_is_itself_audited()
    {
        var page = await Forms.SubmitAsync(_auditor.Client, "/admin/audit", Forms.Fields(("format", "csv")), "/admin/audit?handler=Export");

        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            Assert.That(page.Response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
            Assert.That(page.Body, Does.StartWith("sequence,time,actor,action,target,outcome,details,hash"));
            Assert.That(page.Body, Does.Contain("\"'=HYPERLINK(\"\"x\"\")\""));
            Assert.That(entries.Any(e => e.Action == AuditAction.Exported && e.Details.GetValueOrDefault("format") == "csv"), Is.True);
        });
    }

    [Test]
    public async Task Export_as_json_lines_gives_one_object_per_entry()
    {
        var page = await Forms.SubmitAsync(_auditor.Client, "/admin/audit", Forms.Fields(("format", "jsonl"), ("Action", "Denied")), "/admin/audit?handler=Export");

        var lines = page.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(1));
            Assert.That(System.Text.Json.JsonDocument.Parse(lines[0]).RootElement.GetProperty("action").GetString(), Is.EqualTo("Denied"));
        });
    }

    [Test]
    public async Task Verify_shows_the_log_intact_and_is_audited()
    {
        var page = await Forms.SubmitAsync(_operator.Client, "/admin/audit", [], "/admin/audit?handler=Verify");

        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain(T.Get("en", "admin.audit.intact")));
            Assert.That(entries.Any(e => e.Action == AuditAction.AuditVerified && e.Outcome == AuditOutcome.Success), Is.True);
        });
    }

    [Test]
    public async Task An_operator_verifies_but_neither_reads_nor_exports_entries()
    {
        var page = await Forms.GetAsync(_operator.Client, "/admin/audit");
        var export = await Forms.SubmitAsync(_operator.Client, "/admin/audit", Forms.Fields(("format", "csv")), "/admin/audit?handler=Export");

        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("handler=Verify"));
            Assert.That(page.Body, Does.Not.Contain("handler=Export"));
            Assert.That(page.Body, Does.Not.Contain("<td>SignIn</td>"));
            Assert.That(export.Location, Does.Contain("/denied?"));
        });
    }
}
