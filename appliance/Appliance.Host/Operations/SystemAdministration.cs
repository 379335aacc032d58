using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Appliance.Storage;
using Appliance.Storage.Audit;

namespace Appliance.Host.Operations;

/// <summary>
/// The system page's work: TURN/SIP settings in <c>&lt;data&gt;/network-settings.json</c>, an uploaded TLS certificate
/// in <c>&lt;data&gt;/tls/uploaded.crt|key</c> (0600; used from the next start, see <see cref="Tls.ServerCertificate"/>),
/// and backups in <c>&lt;data&gt;/backups/&lt;UTC time&gt;/</c>.
/// </summary>
public sealed class SystemAdministration(ApplianceOptions options, ApplianceDatabase database, FileAuditLog audit, TimeProvider time) : ISystemAdministration
{
    /// <summary>The uploaded certificate's file name in the tls folder.</summary>
    public const string UploadedCertificate = "uploaded.crt";

    /// <summary>The uploaded key's file name in the tls folder.</summary>
    public const string UploadedKey = "uploaded.key";

    /// <summary>The TURN and SIP settings' file name in the data folder (and in a backup).</summary>
    public const string SettingsFileName = "network-settings.json";

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
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException)
        {
            // Covers both a PEM that does not parse and a key that does not belong to the certificate.
            return ["admin.system.cert.unreadable"];
        }
        catch (ArgumentException)
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

            var folder = PrivateFiles.CreateDirectory(Path.Combine(options.DataDirectory, "tls")).FullName;
            PrivateFiles.Write(Path.Combine(folder, UploadedKey), keyPem);
            PrivateFiles.Write(Path.Combine(folder, UploadedCertificate), certificatePem);
            subject = certificate.Subject;
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<string> BackupAsync(CancellationToken cancellationToken)
    {
        var stamp = Backups.Stamp(time.GetUtcNow());
        var folder = PrivateFiles.CreateDirectory(Path.Combine(options.DataDirectory, "backups", stamp)).FullName;
        database.CopyTo(Path.Combine(folder, Path.GetFileName(database.DatabasePath)));
        // A checkpoint first, so the copied log ends with a signed entry and its copy verifies on its own.
        await audit.CheckpointAsync(cancellationToken);
        foreach (var file in new[] { database.KeyFilePath, audit.LogPath, Path.Combine(options.DataDirectory, "audit.checkpoint"), Path.Combine(options.DataDirectory, "audit-signing.key"), SettingsPath })
        {
            if (File.Exists(file))
            {
                await CopyPrivateAsync(file, Path.Combine(folder, Path.GetFileName(file)), cancellationToken);
            }
        }

        PrivateFiles.Write(Path.Combine(folder, Backups.DescriptionFile), JsonSerializer.Serialize(new { schema = ApplianceDatabase.SchemaVersion, created = stamp }));
        return folder;
    }

    /// <inheritdoc />
    public IReadOnlyList<BackupSummary> ListBackups() => Backups.List(options.DataDirectory);

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
