using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Appliance.Host.Tls;
using Appliance.Storage;
using Appliance.Storage.Audit;

namespace Appliance.Host.Operations;

/// <summary>
/// The system page's work: TURN/SIP settings in <c>&lt;data&gt;/network-settings.json</c>, an uploaded TLS certificate
/// in <c>&lt;data&gt;/tls/uploaded.crt|key</c> (0600; used from the next start, see <see cref="ServerCertificate"/>),
/// and backups in <c>&lt;data&gt;/backups/&lt;UTC time&gt;/</c> (see <see cref="Backups"/> for what one holds).
/// </summary>
public sealed class SystemAdministration(ApplianceOptions options, ApplianceDatabase database, FileAuditLog audit, BackupVerifications verifications, TimeProvider time) : ISystemAdministration, IDisposable
{
    /// <summary>The folder under the data folder holding ASP.NET Core's data-protection key ring (cookies, tickets).</summary>
    public const string KeyRingFolderName = "keys";

    /// <summary>The TURN and SIP settings' file name in the data folder (and in a backup).</summary>
    public const string SettingsFileName = "network-settings.json";

    private readonly SemaphoreSlim _backingUp = new(1, 1);

    private string SettingsPath => Path.Combine(options.DataDirectory, SettingsFileName);

    private string PendingMarkerPath => Path.Combine(options.DataDirectory, Backups.PendingMarker);

    /// <inheritdoc />
    public NetworkSettings ReadSettings()
    {
        if (!File.Exists(SettingsPath))
        {
            return NetworkSettings.Empty;
        }

        return JsonSerializer.Deserialize<NetworkSettings>(File.ReadAllText(SettingsPath)) ?? NetworkSettings.Empty;
    }

    /// <inheritdoc />
    public void SaveSettings(NetworkSettings settings) => PrivateFiles.Write(SettingsPath, JsonSerializer.Serialize(settings));

    /// <inheritdoc />
    public IReadOnlyList<string> InstallCertificate(string certificatePem, string keyPem, out string? subject)
    {
        subject = null;
        if (UploadedCertificate.TryParse(certificatePem, keyPem, out _) is not { } certificate)
        {
            return ["admin.system.cert.unreadable"];
        }

        using (certificate)
        {
            var problems = new List<string>();
            var now = time.GetUtcNow().UtcDateTime;
            if (certificate.NotBefore.ToUniversalTime() > now || certificate.NotAfter.ToUniversalTime() < now.AddDays(1))
            {
                problems.Add("admin.system.cert.expired");
            }

            var host = options.PublicUrl?.Host;
            if (host is not null && !certificate.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
            {
                problems.Add("admin.system.cert.hostname");
            }

            if (problems.Count > 0)
            {
                return problems;
            }

            var folder = PrivateFiles.CreateDirectory(Path.Combine(options.DataDirectory, UploadedCertificate.FolderName)).FullName;
            PrivateFiles.Write(Path.Combine(folder, UploadedCertificate.KeyFileName), keyPem);
            PrivateFiles.Write(Path.Combine(folder, UploadedCertificate.CertificateFileName), certificatePem);
            subject = certificate.Subject;
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<string> BackupAsync(CancellationToken cancellationToken)
    {
        // One backup at a time: a second click, or a second operator, waits for the first instead of racing it.
        await _backingUp.WaitAsync(cancellationToken);
        try
        {
            return await BackupOnceAsync(cancellationToken);
        }
        finally
        {
            _backingUp.Release();
        }
    }

    private async Task<string> BackupOnceAsync(CancellationToken cancellationToken)
    {
        var stamp = Backups.Stamp(time.GetUtcNow());
        // A backup is named by its second; the next one in the same second waits for the next, so none overwrites another.
        while (Directory.Exists(Path.Combine(options.DataDirectory, "backups", stamp)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            stamp = Backups.Stamp(time.GetUtcNow());
        }

        var folder = PrivateFiles.CreateDirectory(Path.Combine(options.DataDirectory, "backups", stamp)).FullName;
        database.CopyTo(Path.Combine(folder, Path.GetFileName(database.DatabasePath)));
        // A checkpoint first, so the copied log ends with a signed entry and its copy verifies on its own.
        await audit.CheckpointAsync(cancellationToken);
        var files = new List<string> { Path.GetFileName(database.DatabasePath) };
        var data = options.DataDirectory;
        // The audit files by the names the restore and the backup check use (Backups.AuditFiles), in the data folder.
        var copied = new[] { Path.GetRelativePath(data, database.KeyFilePath) }
            .Concat(Backups.AuditFiles)
            .Append(Path.GetRelativePath(data, SettingsPath))
            // The certificate and key only as a pair: one without the other is not served either.
            .Concat(UploadedCertificate.RelativePaths.All(f => File.Exists(Path.Combine(data, f))) ? UploadedCertificate.RelativePaths : [])
            // Without the key ring a restored appliance could not read a cookie or ticket it issued.
            .Concat(Backups.KeyRingFiles(data));
        foreach (var file in copied)
        {
            var source = Path.Combine(data, file);
            if (File.Exists(source))
            {
                var destination = Path.Combine(folder, file);
                PrivateFiles.CreateDirectory(Path.GetDirectoryName(destination)!);
                await CopyPrivateAsync(source, destination, cancellationToken);
                files.Add(file);
            }
        }

        PrivateFiles.Write(Path.Combine(folder, Backups.DescriptionFile), JsonSerializer.Serialize(new BackupDescription(ApplianceDatabase.SchemaVersion, stamp, files)));
        return folder;
    }

    /// <inheritdoc />
    public void Dispose() => _backingUp.Dispose();

    /// <inheritdoc />
    public IReadOnlyList<BackupSummary> ListBackups() => Backups.List(options.DataDirectory, verifications);

    /// <inheritdoc />
    public bool RequestRestore(string backupName, string requestedBy)
    {
        if (Backups.FolderOf(options.DataDirectory, backupName) is null)
        {
            return false;
        }

        Backups.WriteMarker(PendingMarkerPath, new RestoreRequest(backupName, requestedBy, time.GetUtcNow()));
        // A new request replaces the story of the last refused one.
        File.Delete(Path.Combine(options.DataDirectory, Backups.FailedMarker));
        return true;
    }

    /// <inheritdoc />
    public bool CancelRestore()
    {
        if (!File.Exists(PendingMarkerPath))
        {
            return false;
        }

        File.Delete(PendingMarkerPath);
        return true;
    }

    /// <inheritdoc />
    public RestoreRequest? PendingRestore() => Backups.ReadMarker(PendingMarkerPath);

    /// <inheritdoc />
    public RestoreRequest? FailedRestore() => Backups.ReadMarker(Path.Combine(options.DataDirectory, Backups.FailedMarker));

    private static async Task CopyPrivateAsync(string source, string destination, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // The audit log is opened for appending by the log itself: share it for reading and writing.
        await using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await using var to = new FileStream(destination, options);
        await from.CopyToAsync(to, cancellationToken);
    }
}
