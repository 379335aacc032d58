using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Meetings;
using Appliance.Host.Operations;
using Appliance.Host.Tests.Admin;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tls;

namespace Appliance.Host.Tests.Operations;

/// <summary>
/// What a backup holds besides the database: the uploaded TLS certificate and key and the data-protection key ring,
/// restored with it (onto a rebuilt server too); and the system page verifying each backup's audit log once per change.
/// </summary>
[NonParallelizable]
[Platform(Exclude = "Win")]
public sealed class BackupTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerOnly | UnixFileMode.UserExecute;
    private readonly TemporaryFolders _folders = new("appliance-backup-");

    [OneTimeTearDown]
    public void RemoveFolders() => _folders.RemoveAll();

    [Test]
    public async Task Backup_now_holds_the_uploaded_certificate_and_the_key_ring_private_and_lists_them()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var admin = await StaffSession.BootstrapAsync(appliance);
        using var operatorSession = await admin.CreateUserAsync("bk-op", "Bea Backup", RoleNames.Operator);
        var (certificate, key) = TestCertificates.Current();
        AdminSteps.ExpectFine(await Forms.SubmitAsync(operatorSession.Client, "/admin/system", Forms.Fields(("CertificatePem", certificate), ("KeyPem", key)), "/admin/system?handler=Certificate"));

        AdminSteps.ExpectFine(await Forms.SubmitAsync(operatorSession.Client, "/admin/system", [], "/admin/system?handler=Backup"));

        var folder = Directory.GetDirectories(Path.Combine(appliance.DataDirectory, Backups.FolderName)).Single();
        var listed = Backups.Describe(folder)!.Files!;
        var keyRing = Backups.KeyRingFiles(appliance.DataDirectory).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(folder, "tls", "uploaded.key")), Is.EqualTo(key));
            Assert.That(File.ReadAllText(Path.Combine(folder, "tls", "uploaded.crt")), Is.EqualTo(certificate));
            Assert.That(keyRing, Is.Not.Empty, "signing in wrote a key");
            Assert.That(Backups.KeyRingFiles(folder), Is.EqualTo(keyRing));
            Assert.That(listed, Is.SupersetOf(new[] { "appliance.db", "appliance.key", "audit.log", "tls/uploaded.crt", "tls/uploaded.key" }.Concat(keyRing)));
            Assert.That(listed.Where(f => !File.Exists(Path.Combine(folder, f))), Is.Empty, "everything listed is there");
            foreach (var sub in new[] { "tls", "keys" })
            {
                Assert.That(TemporaryFolders.Mode(Path.Combine(folder, sub)), Is.EqualTo(OwnerFolder), sub);
            }

            foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            {
                Assert.That(TemporaryFolders.Mode(file), Is.EqualTo(OwnerOnly), file);
            }
        });
    }

    [Test]
    public async Task A_restore_onto_a_rebuilt_server_brings_back_the_certificate_and_the_key_ring_so_sessions_survive()
    {
        var data = NewFolder();
        var (certificate, key) = TestCertificates.Current();
        string backup;
        CookieContainer cookies;
        await using (var appliance = await TestAppliance.StartAsync(dataDirectory: data))
        {
            using var admin = await StaffSession.BootstrapAsync(appliance);
            using var operatorSession = await admin.CreateUserAsync("rb-op", "Rob Rebuild", RoleNames.Operator);
            Assert.That(appliance.Service<ISystemAdministration>().InstallCertificate(certificate, key, out _), Is.Empty);
            backup = Path.GetFileName(await appliance.Service<ISystemAdministration>().BackupAsync(CancellationToken.None));
            cookies = operatorSession.Cookies;
        }

        // The rebuilt server: a new installation with its own database, key ring and self-signed certificate, given
        // the backup folder and asked to restore it.
        var rebuilt = NewFolder();
        await using (var fresh = await TestAppliance.StartAsync(dataDirectory: rebuilt))
        {
            using var freshAdmin = await StaffSession.BootstrapAsync(fresh);
        }

        var freshKeys = Backups.KeyRingFiles(rebuilt).ToList();
        CopyFolder(Path.Combine(data, Backups.FolderName, backup), Path.Combine(rebuilt, Backups.FolderName, backup));
        Backups.WriteMarker(Path.Combine(rebuilt, Backups.PendingMarker), new RestoreRequest(backup, "tester", TimeProvider.System.GetUtcNow()));

        await using var restored = await TestAppliance.StartAsync(dataDirectory: rebuilt);
        using var client = restored.CreateClient(cookies);
        var page = await Forms.GetAsync(client, "/admin/system");
        var replaced = Directory.GetDirectories(Path.Combine(rebuilt, Backups.ReplacedFolderName)).Single();
        using var uploaded = X509Certificate2.CreateFromPem(certificate);
        var entry = (await restored.Service<IAuditLog>().ReadBackwardAsync(long.MaxValue, 1, new AuditFilter(Match: e => e.Action == AuditAction.BackupRestored))).Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Outcome, Is.EqualTo(AuditOutcome.Success));
            Assert.That(restored.Certificate.Thumbprint, Is.EqualTo(uploaded.Thumbprint), "the agency's certificate is served");
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK), "a cookie issued before the backup is still read: " + page.Location);
            Assert.That(freshKeys, Is.Not.Empty);
            Assert.That(freshKeys.Where(k => !File.Exists(Path.Combine(replaced, k))), Is.Empty, "the rebuilt server's key ring is kept aside");
            Assert.That(freshKeys.Where(k => File.Exists(Path.Combine(rebuilt, k))), Is.Empty);
            Assert.That(TemporaryFolders.Mode(Path.Combine(rebuilt, "tls", "uploaded.key")), Is.EqualTo(OwnerOnly));
            Assert.That(TemporaryFolders.Mode(Path.Combine(replaced, "keys")), Is.EqualTo(OwnerFolder));
            Assert.That(Backups.KeyRingFiles(rebuilt).Select(k => TemporaryFolders.Mode(Path.Combine(rebuilt, k))), Is.All.EqualTo(OwnerOnly));
        });
    }

    [Test]
    public async Task A_backup_of_the_older_layout_restores_and_leaves_the_current_certificate_and_key_ring_in_place()
    {
        var (data, certificate, _, backup, after) = await BackUpAndAskForRestoreAsync(certificateInBackup: false);

        // What a backup made before the certificate and key ring were backed up looks like.
        var folder = Path.Combine(data, Backups.FolderName, backup);
        Directory.Delete(Path.Combine(folder, "keys"), recursive: true);
        File.WriteAllText(Path.Combine(folder, Backups.DescriptionFile), JsonSerializer.Serialize(new { schema = Backups.SchemaOf(folder), created = backup }));
        var current = CurrentSecrets(data);

        await using var restarted = await TestAppliance.StartAsync(dataDirectory: data);
        var replaced = Directory.GetDirectories(Path.Combine(data, Backups.ReplacedFolderName)).Single();
        using var uploaded = X509Certificate2.CreateFromPem(certificate);
        Assert.Multiple(async () =>
        {
            Assert.That(await restarted.Service<IMeetingStore>().FindAsync(after), Is.Null, "the database was restored");
            Assert.That(CurrentSecrets(data), Is.EqualTo(current));
            Assert.That(Directory.Exists(Path.Combine(replaced, "tls")) || Directory.Exists(Path.Combine(replaced, "keys")), Is.False);
            Assert.That(restarted.Certificate.Thumbprint, Is.EqualTo(uploaded.Thumbprint));
        });
    }

    [TestCase("key-of-another-certificate", "TLS certificate")]
    [TestCase("certificate-that-does-not-parse", "TLS certificate")]
    [TestCase("key-missing", "tls/uploaded.key")]
    [TestCase("key-ring-file-that-is-not-a-key", "not a data-protection key")]
    public async Task A_backup_whose_certificate_or_key_ring_cannot_be_used_is_refused_and_nothing_changes(string kind, string reason)
    {
        var (data, _, key, backup, after) = await BackUpAndAskForRestoreAsync(certificateInBackup: true);

        var folder = Path.Combine(data, Backups.FolderName, backup);
        var backupKey = Path.Combine(folder, "tls", "uploaded.key");
        switch (kind)
        {
            case "key-of-another-certificate":
                File.WriteAllText(backupKey, TestCertificates.Current().Key);
                break;
            case "certificate-that-does-not-parse":
                File.WriteAllText(Path.Combine(folder, "tls", "uploaded.crt"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
                break;
            case "key-missing":
                File.Delete(backupKey);
                break;
            default:
                File.WriteAllText(Path.Combine(folder, Backups.KeyRingFiles(folder).First()), "<notakey/>");
                break;
        }

        var current = CurrentSecrets(data);
        await using var restarted = await TestAppliance.StartAsync(dataDirectory: data);
        var failed = restarted.Service<ISystemAdministration>().FailedRestore();
        var logs = string.Concat(Directory.GetFiles(Path.Combine(data, "logs")).Select(ReadShared));
        var keyBody = key.Split('\n')[1];
        Assert.Multiple(async () =>
        {
            Assert.That(failed?.FailureReason, Does.Contain(reason));
            Assert.That(await restarted.Service<IMeetingStore>().FindAsync(after), Is.Not.Null, "the current data stays");
            Assert.That(Directory.Exists(Path.Combine(data, Backups.ReplacedFolderName)), Is.False, "no file was moved");
            Assert.That(CurrentSecrets(data), Is.EqualTo(current));
            Assert.That(logs, Does.Contain("was refused"));
            Assert.That(logs, Does.Not.Contain("PRIVATE KEY").And.Not.Contain(keyBody));
        });
    }

    [Test]
    public async Task Backups_asked_for_in_the_same_second_are_kept_apart()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var system = appliance.Service<ISystemAdministration>();

        var folders = await Task.WhenAll(system.BackupAsync(CancellationToken.None), system.BackupAsync(CancellationToken.None), system.BackupAsync(CancellationToken.None));

        Assert.That(folders.Distinct().Count(), Is.EqualTo(3), "each backup has a folder of its own");
        Assert.That(folders.Select(Path.GetFileName).All(name => Backups.IsBackupName(name, out _)), Is.True);
        Assert.That(folders.All(folder => File.Exists(Path.Combine(folder, Backups.DescriptionFile))), Is.True, "each one finished");
        Assert.That(system.ListBackups(), Has.Count.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task The_system_page_verifies_a_backups_audit_log_once_and_again_when_it_changed()
    {
        await using var appliance = await TestAppliance.StartAsync();
        using var admin = await StaffSession.BootstrapAsync(appliance);
        using var operatorSession = await admin.CreateUserAsync("vf-op", "Vera Verify", RoleNames.Operator);
        var folder = await appliance.Service<ISystemAdministration>().BackupAsync(CancellationToken.None);
        var verifications = appliance.Service<BackupVerifications>();
        var intact = Appliance.Core.Localization.Texts.Embedded.Get("en", "admin.system.restore.audit.intact");
        var broken = Appliance.Core.Localization.Texts.Embedded.Get("en", "admin.system.restore.audit.broken");

        var first = await Forms.GetAsync(operatorSession.Client, "/admin/system");
        var afterFirst = verifications.Runs;
        var second = await Forms.GetAsync(operatorSession.Client, "/admin/system");
        var afterSecond = verifications.Runs;

        // One character of a hash changed: same length, a new write time.
        var log = Path.Combine(folder, "audit.log");
        var written = File.GetLastWriteTimeUtc(log);
        var text = File.ReadAllText(log);
        var at = text.IndexOf("\"hash\":\"", StringComparison.Ordinal) + 8;
        File.WriteAllText(log, text[..at] + (text[at] == '0' ? '1' : '0') + text[(at + 1)..]);
        File.SetLastWriteTimeUtc(log, written.AddSeconds(2));
        var third = await Forms.GetAsync(operatorSession.Client, "/admin/system");
        var afterThird = verifications.Runs;
        var fourth = await Forms.GetAsync(operatorSession.Client, "/admin/system");

        Assert.Multiple(() =>
        {
            Assert.That(afterFirst, Is.EqualTo(1));
            Assert.That(first.Body, Does.Contain(intact));
            Assert.That(afterSecond, Is.EqualTo(afterFirst), "a second load does not verify again");
            Assert.That(second.Body, Does.Contain(intact));
            Assert.That(afterThird, Is.EqualTo(afterSecond + 1), "the changed log is verified again");
            Assert.That(third.Body, Does.Contain(broken).And.Not.Contain(intact));
            Assert.That(verifications.Runs, Is.EqualTo(afterThird));
            Assert.That(fourth.Body, Does.Contain(broken));
        });
    }

    private string NewFolder() => _folders.New();

    /// <summary>
    /// An appliance that got an uploaded certificate (before or after a backup), booked a meeting after the backup and
    /// was asked to restore it at the next start; stopped.
    /// </summary>
    private async Task<(string Data, string Certificate, string Key, string Backup, string After)> BackUpAndAskForRestoreAsync(bool certificateInBackup)
    {
        var data = NewFolder();
        var (certificate, key) = TestCertificates.Current();
        await using var appliance = await TestAppliance.StartAsync(dataDirectory: data);
        using var admin = await StaffSession.BootstrapAsync(appliance);
        var system = appliance.Service<ISystemAdministration>();
        if (certificateInBackup)
        {
            Assert.That(system.InstallCertificate(certificate, key, out _), Is.Empty);
        }

        var backup = Path.GetFileName(await system.BackupAsync(CancellationToken.None));
        if (!certificateInBackup)
        {
            Assert.That(system.InstallCertificate(certificate, key, out _), Is.Empty);
        }

        var after = await MeetingPages.BookAsync(admin, "Booked after the backup");
        Assert.That(system.RequestRestore(backup, "tester"), Is.True);
        return (data, certificate, key, backup, after);
    }

    /// <summary>The uploaded certificate, its key and the key ring of a data folder: each file's path and content.</summary>
    private static Dictionary<string, string> CurrentSecrets(string data) =>
        UploadedCertificate.RelativePaths.Concat(Backups.KeyRingFiles(data))
            .Where(f => File.Exists(Path.Combine(data, f)))
            .ToDictionary(f => f, f => File.ReadAllText(Path.Combine(data, f)), StringComparer.Ordinal);

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
