using System.Net;
using System.Text.Json;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Host.Operations;
using Appliance.Host.Tests.Admin;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Operations;

/// <summary>
/// Restore from a backup: asked for on /admin/system, done by the next start on the same data folder, refused (with
/// nothing changed) when the marker or the backup is not right. The audit log is never rolled back.
/// </summary>
[NonParallelizable]
public sealed class RestoreTests
{
    private readonly TemporaryFolders _folders = new("appliance-restore-");

    [OneTimeTearDown]
    public void RemoveFolders() => _folders.RemoveAll();

    [Test]
    [Platform(Exclude = "Win")]
    public async Task A_restore_asked_for_on_the_system_page_brings_back_the_backup_at_the_next_start_and_keeps_the_audit_log()
    {
        var data = NewFolder();
        string before, after, backup;
        long afterSequence;
        await using (var appliance = await TestAppliance.StartAsync(dataDirectory: data))
        {
            using var admin = await StaffSession.BootstrapAsync(appliance);
            using var operatorSession = await admin.CreateUserAsync("rest-op", "Rita Restore", RoleNames.Operator);
            using var organiser = await admin.CreateUserAsync("rest-org", "Olof Organiser", RoleNames.Organiser);
            before = await MeetingPages.BookAsync(organiser, "Booked before the backup");
            AdminSteps.ExpectFine(await Forms.SubmitAsync(operatorSession.Client, "/admin/system", [], "/admin/system?handler=Backup"));
            backup = Path.GetFileName(Directory.GetDirectories(Path.Combine(data, "backups")).Single());

            after = await MeetingPages.BookAsync(organiser, "Booked after the backup");
            afterSequence = (await appliance.Service<IAuditLog>().ReadAsync(1, 10_000)).Last(e => e.Action == AuditAction.MeetingBooked && e.Target == after).Sequence;

            var listed = await Forms.GetAsync(operatorSession.Client, "/admin/system");
            Assert.That(listed.Body, Does.Contain($"value=\"{backup}\"").And.Contain(Appliance.Core.Localization.Texts.Embedded.Get("en", "admin.system.restore.audit.intact")));
            var asked = await Forms.SubmitAsync(operatorSession.Client, "/admin/system", Forms.Fields(("Backup", backup), ("Confirmed", "true")), "/admin/system?handler=Restore");
            AdminSteps.ExpectFine(asked);
            Assert.That(asked.Body, Does.Contain("id=\"restore-pending\""));
        }

        var marker = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, Backups.PendingMarker))).RootElement;
        Assert.That(marker.GetProperty("backup").GetString(), Is.EqualTo(backup));

        await using (var restarted = await TestAppliance.StartAsync(dataDirectory: data))
        {
            var meetings = restarted.Service<IMeetingStore>();
            var entries = await restarted.Service<IAuditLog>().ReadAsync(1, 10_000);
            var verification = await restarted.Service<IAuditLog>().VerifyAsync();
            var replaced = Directory.GetDirectories(Path.Combine(data, Backups.ReplacedFolderName)).Single();
            Assert.Multiple(async () =>
            {
                Assert.That(await meetings.FindAsync(after), Is.Null, "the change made after the backup is gone");
                Assert.That(await meetings.FindAsync(before), Is.Not.Null, "the data of the backup is there");
                Assert.That(await restarted.Service<IIdentityStore>().FindUserByNameAsync("rest-op"), Is.Not.Null);
                Assert.That(entries.Any(e => e.Sequence == afterSequence && e.Target == after), Is.True, "the audit log keeps what happened after the backup");
                Assert.That(entries.Any(e => e.Action == AuditAction.RestoreRequested && e.Target == backup && e.Outcome == AuditOutcome.Success), Is.True);
                Assert.That(entries.Last(e => e.Action == AuditAction.BackupRestored), Has.Property(nameof(AuditEntry.Target)).EqualTo(backup).And.Property(nameof(AuditEntry.Outcome)).EqualTo(AuditOutcome.Success));
                Assert.That(verification.Intact, Is.True, verification.Summary);
                Assert.That(File.Exists(Path.Combine(data, Backups.PendingMarker)), Is.False);
                Assert.That(File.Exists(Path.Combine(replaced, "appliance.db")) && File.Exists(Path.Combine(replaced, "appliance.key")), Is.True, "the replaced files are kept");
                Assert.That(TemporaryFolders.Mode(replaced), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
                Assert.That(TemporaryFolders.Mode(Path.Combine(replaced, "appliance.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(TemporaryFolders.Mode(Path.Combine(data, "appliance.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            });
        }
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task A_current_audit_log_that_fails_verification_is_kept_aside_and_the_backups_log_continues()
    {
        var data = NewFolder();
        string backup;
        await using (var appliance = await TestAppliance.StartAsync(dataDirectory: data))
        {
            using var admin = await StaffSession.BootstrapAsync(appliance);
            var system = appliance.Service<ISystemAdministration>();
            backup = Path.GetFileName(await system.BackupAsync(CancellationToken.None));
            await MeetingPages.BookAsync(admin, "Booked after the backup");
            Assert.That(system.RequestRestore(backup, "tester"), Is.True);
        }

        // Someone edits an entry of the current log: it no longer verifies.
        var log = Path.Combine(data, "audit.log");
        var text = File.ReadAllText(log);
        File.WriteAllText(log, text.Replace("MeetingBooked", "MeetingBookeD", StringComparison.Ordinal));

        await using var restarted = await TestAppliance.StartAsync(dataDirectory: data);
        var verification = await restarted.Service<IAuditLog>().VerifyAsync();
        var replaced = Directory.GetDirectories(Path.Combine(data, Backups.ReplacedFolderName)).Single();
        var restored = (await restarted.Service<IAuditLog>().ReadAsync(1, 10_000)).Last(e => e.Action == AuditAction.BackupRestored);
        Assert.Multiple(() =>
        {
            Assert.That(verification.Intact, Is.True, verification.Summary);
            Assert.That(File.ReadAllText(Path.Combine(replaced, "audit.log")), Does.Contain("MeetingBookeD"), "the failed log is kept as evidence");
            Assert.That(restored.Outcome, Is.EqualTo(AuditOutcome.Success));
            Assert.That(restored.Details["auditLog"], Is.EqualTo("taken-from-backup"));
        });
    }

    [TestCase("traversal")]
    [TestCase("missing")]
    [TestCase("schema-too-new")]
    [TestCase("no-key")]
    [TestCase("unreadable")]
    [Platform(Exclude = "Win")]
    public async Task A_bad_restore_marker_is_refused_and_nothing_changes(string kind)
    {
        var data = NewFolder();
        string after;
        string backup;
        await using (var appliance = await TestAppliance.StartAsync(dataDirectory: data))
        {
            using var admin = await StaffSession.BootstrapAsync(appliance);
            backup = Path.GetFileName(await appliance.Service<ISystemAdministration>().BackupAsync(CancellationToken.None));
            after = await MeetingPages.BookAsync(admin, "Booked after the backup");
        }

        var backups = Path.Combine(data, Backups.FolderName);
        var marker = Path.Combine(data, Backups.PendingMarker);
        switch (kind)
        {
            case "traversal":
                WriteMarker(marker, "../backups/" + backup);
                break;
            case "missing":
                WriteMarker(marker, "20991231T235959Z");
                break;
            case "schema-too-new":
                File.WriteAllText(Path.Combine(backups, backup, Backups.DescriptionFile), "{\"schema\":99,\"created\":\"" + backup + "\"}");
                WriteMarker(marker, backup);
                break;
            case "no-key":
                File.Delete(Path.Combine(backups, backup, "appliance.key"));
                WriteMarker(marker, backup);
                break;
            default:
                File.WriteAllText(marker, "{ not json");
                break;
        }

        var filesBefore = DataFiles(data);
        await using var restarted = await TestAppliance.StartAsync(dataDirectory: data);
        var failed = restarted.Service<ISystemAdministration>().FailedRestore();
        var entries = await restarted.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(async () =>
        {
            Assert.That(await restarted.Service<IMeetingStore>().FindAsync(after), Is.Not.Null, "the current data stays");
            Assert.That(Directory.Exists(Path.Combine(data, Backups.ReplacedFolderName)), Is.False, "no file was moved");
            Assert.That(DataFiles(data), Is.EqualTo(filesBefore.Where(f => f != Backups.PendingMarker).Append(Backups.FailedMarker).Order(StringComparer.Ordinal)));
            Assert.That(failed?.FailureReason, Is.Not.Null.And.Not.Empty);
            Assert.That(entries.Last(e => e.Action == AuditAction.BackupRestored).Outcome, Is.EqualTo(AuditOutcome.Failed));
        });
    }

    [Test]
    public async Task Only_an_operator_can_ask_for_a_restore_and_only_of_a_listed_backup_with_the_confirmation()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var admin = await StaffSession.BootstrapAsync(appliance);
        var backup = Path.GetFileName(await appliance.Service<ISystemAdministration>().BackupAsync(CancellationToken.None));
        var marker = Path.Combine(appliance.DataDirectory, Backups.PendingMarker);
        var restore = Forms.Fields(("Backup", backup), ("Confirmed", "true"));
        foreach (var role in new[] { RoleNames.Organiser, RoleNames.SecurityOfficer, RoleNames.Auditor })
        {
            using var other = await admin.CreateUserAsync("not-op-" + role.ToLowerInvariant(), "Not Operator", role);
            // A valid antiforgery token of the caller's own session, from a page every staff member may open.
            var token = Forms.FindToken((await Forms.GetAsync(other.Client, "/account/tokens")).Body);
            var response = await Forms.PostAsync(other.Client, "/admin/system?handler=Restore", restore, token);
            Assert.That(response.Status is HttpStatusCode.Forbidden or HttpStatusCode.Redirect && response.Location?.Contains("/signin", StringComparison.Ordinal) != true, Is.True, $"{role}: {(int)response.Status} {response.Location}");
            Assert.That(File.Exists(marker), Is.False, role + " wrote no marker");
        }

        using var operatorSession = await admin.CreateUserAsync("only-op", "Olle Operator", RoleNames.Operator);
        var noToken = await Forms.PostAsync(operatorSession.Client, "/admin/system?handler=Restore", restore, token: null);
        var traversal = await Forms.SubmitAsync(operatorSession.Client, "/admin/system", Forms.Fields(("Backup", "../" + backup), ("Confirmed", "true")), "/admin/system?handler=Restore");
        var unconfirmed = await Forms.SubmitAsync(operatorSession.Client, "/admin/system", Forms.Fields(("Backup", backup)), "/admin/system?handler=Restore");
        Assert.Multiple(() =>
        {
            Assert.That(noToken.Status, Is.EqualTo(HttpStatusCode.BadRequest), "CSRF");
            Assert.That(Forms.ErrorSummary(traversal.Body), Is.Not.Empty);
            Assert.That(Forms.ErrorSummary(unconfirmed.Body), Is.Not.Empty);
            Assert.That(File.Exists(marker), Is.False);
        });

        AdminSteps.ExpectFine(await Forms.SubmitAsync(operatorSession.Client, "/admin/system", restore, "/admin/system?handler=Restore"));
        Assert.That(File.Exists(marker), Is.True);
        var cancelled = await Forms.SubmitAsync(operatorSession.Client, "/admin/system", [], "/admin/system?handler=CancelRestore");
        AdminSteps.ExpectFine(cancelled);
        var entries = await appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(marker), Is.False);
            Assert.That(entries.Count(e => e.Action == AuditAction.RestoreRequested && e.Outcome == AuditOutcome.Failed), Is.EqualTo(2), "the refused requests are audited");
            Assert.That(entries.Any(e => e.Action == AuditAction.RestoreRequested && e.Target == backup && e.Details.TryGetValue("step", out var step) && step == "cancelled"), Is.True);
        });
    }

    private string NewFolder() => _folders.New();

    private static void WriteMarker(string path, string backup) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new { backup, requestedBy = "someone", at = DateTimeOffset.UnixEpoch }));

    // The files of the data folder that a restore would move or write (logs and LiteDB's transient files aside).
    private static List<string> DataFiles(string data) =>
        [.. Directory.GetFiles(data).Select(f => Path.GetFileName(f)!).Where(f => !f.Contains("-log", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
