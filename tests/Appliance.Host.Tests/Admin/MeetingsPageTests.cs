using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;

namespace Appliance.Host.Tests.Admin;

/// <summary>The live meetings page and the dashboard's figures.</summary>
public sealed class MeetingsPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;
    private StaffSession _operator = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _operator = await AddStaffAsync("night-operator", "Nora Night", RoleNames.Operator);
    }

    [Test]
    public async Task The_operator_sees_who_is_in_a_running_meeting_and_ends_it_for_everyone()
    {
        var meetingId = await RoomSteps.BookNowAsync(Admin, "Night shift handover");
        await using var host = await RoomSteps.HostEntersAsync(Admin, meetingId) is var h ? h.Socket : null!;

        var page = await Forms.GetAsync(_operator.Client, "/admin/meetings");
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain("Night shift handover"));
            Assert.That(page.Body, Does.Contain("<td>Ada Administrator</td>"));
        });

        var ended = await Forms.SubmitAsync(_operator.Client, "/admin/meetings", Forms.Fields(("id", meetingId)), "/admin/meetings?handler=End");

        AdminSteps.ExpectFine(ended);
        await host.ExpectAsync("ended");
        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(ended.Body, Does.Contain(T.Get("en", "admin.meetings.none")));
            Assert.That(entries.Any(e => e.Action == AuditAction.MeetingEnded && e.Target == meetingId), Is.True);
        });
    }

    [Test]
    public async Task Ending_a_meeting_that_is_not_running_shows_the_error()
    {
        var page = await Forms.SubmitAsync(_operator.Client, "/admin/meetings", Forms.Fields(("id", "no-such-meeting")), "/admin/meetings?handler=End");

        Assert.That(Forms.ErrorSummary(page.Body), Does.Contain(T.Get("en", "admin.meetings.notrunning")));
    }

    [Test]
    public async Task The_dashboard_shows_live_meetings_media_port_processor_and_certificate_days()
    {
        var page = await Forms.GetAsync(_operator.Client, "/admin");

        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Body, Does.Contain(T.Get("en", "admin.live")));
            Assert.That(page.Body, Does.Contain("UDP 127.0.0.1:"));
            Assert.That(page.Body, Does.Contain(T.Get("en", "admin.cpu")));
            Assert.That(page.Body, Does.Match("\\d+ days left"));
        });
    }
}
