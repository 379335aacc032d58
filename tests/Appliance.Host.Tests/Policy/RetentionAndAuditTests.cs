using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Classification;
using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Policy;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Appliance.Host.Tests.Policy.PolicySteps;

namespace Appliance.Host.Tests.Policy;

/// <summary>The policy wiring at start-up, the retention job, and what the audit log records (and never records).</summary>
public sealed class RetentionAndAuditTests
{
    [Test]
    public async Task Basic_preset_is_in_force_as_version_1_installed_by_system_and_pages_show_its_levels()
    {
        await using var appliance = await TestAppliance.StartAsync();

        var active = appliance.Service<ActivePolicy>();
        var installed = await AuditEntryAsync(appliance, e => e.Action == AuditAction.PolicyInstalled);

        Assert.Multiple(() =>
        {
            Assert.That(active.Current.SchemeId, Is.EqualTo(PolicyPresets.BasicId));
            Assert.That(active.Current.Version, Is.EqualTo(1));
            Assert.That(appliance.Service<ClassificationCatalog>().Levels.Select(l => l.Id), Is.EqualTo(new[] { "open", "internal", "confidential" }));
            Assert.That(installed!.Actor, Is.EqualTo(PolicyAdministration.SystemActor));
            Assert.That(installed.Details["preset"], Is.EqualTo(PolicyPresets.BasicId));
        });
    }

    [Test]
    public async Task Configured_preset_gives_the_booking_page_its_levels_and_a_restart_keeps_the_installed_policy()
    {
        var data = Path.Combine(Path.GetTempPath(), "appliance-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var swedish = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:Policy:Preset"] = "se" }, data))
            {
                using var admin = await StaffSession.BootstrapAsync(swedish);
                var page = await Forms.GetAsync(admin.Client, "/meetings/new");
                Assert.That(page.Body, Does.Contain("value=\"k2\""));
            }

            await using var restarted = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:Policy:Preset"] = "dk" }, data);
            Assert.That(restarted.Service<ActivePolicy>().Current.SchemeId, Is.EqualTo(PolicyPresets.SwedishId));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public void Unknown_preset_stops_the_start_naming_the_setting_and_the_known_presets()
    {
        var data = Path.Combine(Path.GetTempPath(), "appliance-test-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<InvalidOperationException>(() => ApplianceApp.Build([
            "--applicationName=" + typeof(ApplianceApp).Assembly.GetName().Name,
            "--urls=https://127.0.0.1:0",
            "--Appliance:DataDirectory=" + data,
            "--Appliance:Policy:Preset=nato",
        ]));

        Assert.That(error!.Message, Does.Contain("Appliance:Policy:Preset").And.Contain("nato").And.Contain("basic, se, dk, eu"));
    }

    [Test]
    public async Task A_policy_file_is_read_once_and_installed_at_the_first_start_instead_of_the_preset()
    {
        var data = Path.Combine(Path.GetTempPath(), "appliance-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            var basic = PolicyPresets.Basic;
            var own = basic.WithLevel(basic.Levels[0].WithControls(basic.Levels[0].Controls with { MaxParticipants = 400 }));
            var file = Path.Combine(data, "agency-policy.json");
            await File.WriteAllTextAsync(file, PolicyJson.Serialize(own));

            // Registered before the appliance's own services, this runs before the policy is installed: a second read of
            // the file would now stop the start.
            await using var appliance = await TestAppliance.StartAsync(
                new Dictionary<string, string> { ["Appliance:Policy:PresetFile"] = file, ["Appliance:Policy:Preset"] = "se" },
                data,
                builder => builder.Services.AddHostedService(_ => new BeforeStart(() => File.WriteAllText(file, "{ broken"))));

            var current = appliance.Service<ActivePolicy>().Current;
            Assert.Multiple(() =>
            {
                Assert.That(File.ReadAllText(file), Is.EqualTo("{ broken"), "the file was changed before the policy was installed");
                Assert.That(current.Version, Is.EqualTo(1));
                Assert.That(current.SchemeId, Is.EqualTo(PolicyPresets.BasicId), "the file wins over the preset id");
                Assert.That(current.Levels[0].Controls.MaxParticipants, Is.EqualTo(400));
            });
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [TestCase("{ \"schemeId\": \"x\" ", "cannot be read as a policy", TestName = "A_policy_file_that_is_not_json_stops_the_start")]
    [TestCase("{ \"schemeId\": \"x\", \"version\": 1, \"levels\": [] }", "not valid", TestName = "A_policy_file_without_levels_stops_the_start")]
    [TestCase(null, "not a file", TestName = "A_missing_policy_file_stops_the_start")]
    public void A_bad_policy_file_stops_the_start_naming_the_setting_and_the_file(string? content, string problem)
    {
        var data = Path.Combine(Path.GetTempPath(), "appliance-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            var file = Path.Combine(data, "agency-policy.json");
            if (content is not null)
            {
                File.WriteAllText(file, content);
            }

            var error = Assert.Throws<InvalidOperationException>(() => ApplianceApp.Build([
                "--applicationName=" + typeof(ApplianceApp).Assembly.GetName().Name,
                "--urls=https://127.0.0.1:0",
                "--Appliance:DataDirectory=" + data,
                "--Appliance:Policy:PresetFile=" + file,
            ]));

            Assert.That(error!.Message, Does.Contain("Appliance:Policy:PresetFile").And.Contain(file).And.Contain(problem));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task Retention_deletes_meetings_and_invitations_past_their_level_retention_and_audits_it()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var meetings = appliance.Service<IMeetingStore>();
        var invitations = appliance.Service<IInvitationStore>();
        var clock = new ManualClock(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero));
        // Internal keeps 30 days, confidential 7: one of each ended 10 days ago, one internal 31 days ago.
        var oldInternal = await AddEndedAsync(meetings, "internal", clock.GetUtcNow().AddDays(-31));
        var recentInternal = await AddEndedAsync(meetings, "internal", clock.GetUtcNow().AddDays(-10));
        var recentConfidential = await AddEndedAsync(meetings, "confidential", clock.GetUtcNow().AddDays(-10));
        await invitations.AddAsync(new Invitation
        {
            Id = Ids.New(),
            MeetingId = oldInternal,
            GuestName = "Bo Hansen",
            TokenHash = new string('a', 64),
            ExpiresAt = clock.GetUtcNow().AddDays(-30),
            CreatedBy = "someone",
            CreatedAt = clock.GetUtcNow().AddDays(-40),
        });
        var job = new RetentionJob(
            meetings, invitations, appliance.Service<MeetingPolicy>(), appliance.Service<MeetingRooms>(), appliance.Service<IAuditLog>(), clock, NullLogger<RetentionJob>.Instance);

        var deleted = await job.RunOnceAsync();
        clock.Advance(TimeSpan.FromDays(21));
        var later = await job.RunOnceAsync();
        var audited = (await AuditAsync(appliance)).Where(e => e.Action == AuditAction.RetentionDeleted).ToList();

        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(2));
            Assert.That(await meetings.FindAsync(oldInternal), Is.Null);
            Assert.That(await meetings.FindAsync(recentConfidential), Is.Null);
            Assert.That(await invitations.ListByMeetingAsync(oldInternal), Is.Empty);
            Assert.That(later, Is.EqualTo(1));
            Assert.That(await meetings.FindAsync(recentInternal), Is.Null);
            Assert.That(audited.Select(e => e.Actor).Distinct(), Is.EqualTo(new[] { PolicyAdministration.SystemActor }));
            Assert.That(audited.Select(e => e.Target), Is.EquivalentTo(new[] { oldInternal, recentConfidential, recentInternal }));
            Assert.That(audited.Single(e => e.Target == oldInternal).Details["invitations"], Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Sign_ins_bookings_invitations_admissions_and_tokens_are_audited_without_content()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var admin = await StaffSession.BootstrapAsync(appliance);
        using var stranger = appliance.CreateClient(new CookieContainer());
        await Forms.SubmitAsync(stranger, "/signin", Forms.Fields(("userName", "admin"), ("password", "not the password")));
        await admin.CreateApiTokenAsync();
        var meetingId = await Signalling.RoomSteps.BookNowAsync(admin, "Secret housing case");
        var invitation = await MeetingPages.InviteAsync(admin, meetingId, "Bo Hansen");
        await Forms.SubmitAsync(admin.Client, "/meetings/" + meetingId, Forms.Fields(("invitationId", invitation.InvitationId)), $"/meetings/{meetingId}?handler=Revoke");
        var second = await MeetingPages.InviteAsync(admin, meetingId, "Eva Berg");
        await using var host = (await Signalling.RoomSteps.HostEntersAsync(admin, meetingId)).Socket;
        var guest = await Signalling.RoomSteps.EnterAsync(appliance, await Signalling.RoomSteps.GuestTicketAsync(appliance, second));
        await using var guestSocket = guest.Socket;
        await host.ExpectAsync("lobby-queue", q => Signalling.RoomSteps.WaitingIds(q).Count == 1);
        await host.SendAsync("admit", new { participantId = guest.Id });
        await guestSocket.ExpectAsync("admitted");
        await guestSocket.SendAsync("chat", new { text = "my personal number is 123" });
        await host.ExpectAsync("chat");
        await host.SendAsync("end");
        await host.ExpectAsync("ended");
        var meetingsPage = await Forms.GetAsync(admin.Client, "/meetings");
        await Forms.PostAsync(admin.Client, "/signout", Forms.HiddenFieldsOf(meetingsPage.Body, "/signout"), token: null);

        var admitted = await AuditEntryAsync(appliance, e => e.Action == AuditAction.Admitted);
        var ended = await AuditEntryAsync(appliance, e => e.Action == AuditAction.MeetingEnded);
        var entries = await AuditAsync(appliance);
        var file = await File.ReadAllTextAsync(Path.Combine(appliance.DataDirectory, "audit.log"));

        Assert.Multiple(() =>
        {
            Assert.That(entries.Any(e => e.Action == AuditAction.SignIn && e.Outcome == AuditOutcome.Success && e.Details.GetValueOrDefault("amr") == "pwd otp"), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.SignIn && e.Outcome == AuditOutcome.Failed && e.Details.GetValueOrDefault("step") == "password"), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.SignOut), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.ApiTokenCreated), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.MeetingBooked && e.Target == meetingId && e.Details.GetValueOrDefault("level") == "internal"), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.InvitationCreated && e.Target == invitation.InvitationId), Is.True);
            Assert.That(entries.Any(e => e.Action == AuditAction.InvitationRevoked && e.Target == invitation.InvitationId), Is.True);
            Assert.That(admitted!.Details["subject"], Is.EqualTo("guest:" + second.InvitationId));
            Assert.That(ended!.Target, Is.EqualTo(meetingId));
            Assert.That(file, Does.Not.Contain("Secret housing case"));
            Assert.That(file, Does.Not.Contain("personal number"));
            Assert.That(file, Does.Not.Contain("Bo Hansen"));
            Assert.That(file, Does.Not.Contain(invitation.Token));
            Assert.That(file, Does.Not.Contain("not the password"));
        });
    }

    private static async Task<string> AddEndedAsync(IMeetingStore meetings, string level, DateTimeOffset endedAt)
    {
        var meeting = new Meeting
        {
            Id = Ids.New(),
            Title = "Past meeting",
            StartsAt = endedAt.AddHours(-1),
            EndsAt = endedAt,
            ClassificationId = level,
            OrganiserId = "someone",
            OrganiserName = "Someone",
            CreatedAt = endedAt.AddDays(-1),
        };
        await meetings.AddAsync(meeting);
        return meeting.Id;
    }

    private sealed class BeforeStart(Action action) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            action();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
