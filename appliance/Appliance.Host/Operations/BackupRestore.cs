using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Host.Security;
using Appliance.Host.Tls;
using Appliance.Storage;
using Appliance.Storage.Audit;

namespace Appliance.Host.Operations;

/// <summary>
/// The backups folder and the restore markers: which names are backups, what a backup holds, and the marker files
/// <c>&lt;data&gt;/restore-pending</c> (written by the system page) and <c>&lt;data&gt;/restore-failed</c> (written by the
/// start that refused it).
/// </summary>
public static class Backups
{
    /// <summary>The folder under the data folder that holds one folder per backup.</summary>
    public const string FolderName = "backups";

    /// <summary>The marker the next start acts on.</summary>
    public const string PendingMarker = "restore-pending";

    /// <summary>The marker a refused restore leaves, with its reason, for the system page.</summary>
    public const string FailedMarker = "restore-failed";

    /// <summary>Where a restore moves the files it replaced: <c>&lt;data&gt;/replaced/&lt;UTC time&gt;/</c>.</summary>
    public const string ReplacedFolderName = "replaced";

    /// <summary>
    /// The description a backup carries, a <see cref="BackupDescription"/>: <c>{"schema": 3, "created":
    /// "20261124T093000Z", "files": ["appliance.db", "appliance.key", "audit.log", …, "tls/uploaded.crt",
    /// "tls/uploaded.key", "keys/key-….xml"]}</c>. Backups made before <c>files</c> existed hold the database, its key,
    /// the audit log and the settings only.
    /// </summary>
    public const string DescriptionFile = "backup.json";

    /// <summary>A backup's name is its UTC creation time, as <see cref="SystemAdministration.BackupAsync"/> names it.</summary>
    public const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The audit log, its checkpoint and its signing key, in the data folder and in a backup.</summary>
    internal static IReadOnlyList<string> AuditFiles { get; } = ["audit.log", "audit.checkpoint", "audit-signing.key"];

    /// <summary>The stamp of <paramref name="time"/>, as backup and replaced folders are named.</summary>
    public static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString(StampFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether <paramref name="name"/> is a backup folder name: exactly a stamp (digits, one T, one Z), so that no
    /// separator, dot or other path element can pass.
    /// </summary>
    public static bool IsBackupName(string? name, out DateTimeOffset created)
    {
        created = default;
        return name is { Length: 16 }
            && DateTimeOffset.TryParseExact(name, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out created)
            && string.Equals(Stamp(created), name, StringComparison.Ordinal);
    }

    /// <summary>
    /// The folder of backup <paramref name="name"/> when it is a direct, real (not linked) child of the backups folder;
    /// null otherwise.
    /// </summary>
    public static string? FolderOf(string dataDirectory, string? name)
    {
        if (!IsBackupName(name, out _))
        {
            return null;
        }

        var root = Path.GetFullPath(Path.Combine(dataDirectory, FolderName));
        var folder = Path.GetFullPath(Path.Combine(root, name!));
        if (!string.Equals(Path.GetDirectoryName(folder), root, StringComparison.Ordinal) || !Directory.Exists(folder))
        {
            return null;
        }

        // A link could point anywhere on the machine; a backup this appliance made is a plain folder.
        return new DirectoryInfo(folder).LinkTarget is null ? folder : null;
    }

    /// <summary>The schema version in a backup's description; null when it is missing or unreadable.</summary>
    public static int? SchemaOf(string folder) => Describe(folder)?.Schema;

    /// <summary>A backup's description; null when it is missing, unreadable or its schema is not a positive number.</summary>
    public static BackupDescription? Describe(string folder)
    {
        var path = Path.Combine(folder, DescriptionFile);
        try
        {
            // A key ring of a few dozen keys is a few kilobytes of names.
            if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024)
            {
                return null;
            }

            var description = JsonSerializer.Deserialize<BackupDescription>(File.ReadAllText(path), Json);
            return description is { Schema: > 0 } ? description : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="relativePath"/> names a data-protection key file, <c>keys/&lt;name&gt;.xml</c>, with no
    /// other path element: a name from a backup's description is only used in this form.
    /// </summary>
    public static bool IsKeyRingFile(string relativePath)
    {
        const string Prefix = SystemAdministration.KeyRingFolderName + "/";
        if (!relativePath.StartsWith(Prefix, StringComparison.Ordinal) || !relativePath.EndsWith(".xml", StringComparison.Ordinal))
        {
            return false;
        }

        var name = relativePath[Prefix.Length..];
        return name.Length is > 4 and <= 100 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>The data-protection key files of the folder <paramref name="root"/> (a data or backup folder), relative to it.</summary>
    public static IEnumerable<string> KeyRingFiles(string root)
    {
        var folder = Path.Combine(root, SystemAdministration.KeyRingFolderName);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Select(f => SystemAdministration.KeyRingFolderName + "/" + Path.GetFileName(f)).Where(IsKeyRingFile).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Every backup under the data folder, newest first; audit logs are verified through <paramref name="verifications"/>.</summary>
    public static IReadOnlyList<BackupSummary> List(string dataDirectory, BackupVerifications verifications)
    {
        ArgumentNullException.ThrowIfNull(verifications);
        var root = Path.Combine(dataDirectory, FolderName);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var found = new List<BackupSummary>();
        var folders = new List<string>();
        foreach (var candidate in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(candidate);
            if (FolderOf(dataDirectory, name) is not { } folder || !IsBackupName(name, out var created))
            {
                continue;
            }

            var schema = SchemaOf(folder);
            var size = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            var restorable = schema is { } v && v <= ApplianceDatabase.SchemaVersion
                && File.Exists(Path.Combine(folder, DatabaseFileName)) && File.Exists(Path.Combine(folder, ApplianceDatabase.DefaultKeyFileName));
            found.Add(new BackupSummary(name, created, schema, size, verifications.AuditLogVerifies(folder), restorable));
            folders.Add(folder);
        }

        verifications.KeepOnly(folders);
        return [.. found.OrderByDescending(b => b.Name, StringComparer.Ordinal)];
    }

    /// <summary>Whether the audit log in <paramref name="folder"/> verifies with the signing key beside it.</summary>
    public static bool AuditLogVerifies(string folder)
    {
        try
        {
            return FileAuditLog.VerifyFile(new AuditLogOptions { DataDirectory = folder }).Intact;
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The database file's name in the data folder and in a backup.</summary>
    public static string DatabaseFileName => new StorageOptions { DataDirectory = "." }.DatabaseFileName;

    /// <summary>Reads a marker; null when there is none or it is not a marker this appliance wrote.</summary>
    public static RestoreRequest? ReadMarker(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 16 * 1024)
            {
                return null;
            }

            var marker = JsonSerializer.Deserialize<Marker>(File.ReadAllText(path), Json);
            return marker is { Backup: not null, RequestedBy: not null }
                ? new RestoreRequest(marker.Backup, marker.RequestedBy, marker.At, marker.Reason)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes a marker (0600), replacing one that is there.</summary>
    public static void WriteMarker(string path, RestoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        PrivateFiles.Write(path, JsonSerializer.Serialize(new Marker(request.Backup, request.RequestedBy, request.RequestedAt, request.FailureReason), Json));
    }

    private sealed record Marker(
        [property: JsonPropertyName("backup")] string? Backup,
        [property: JsonPropertyName("requestedBy")] string? RequestedBy,
        [property: JsonPropertyName("at")] DateTimeOffset At,
        [property: JsonPropertyName("reason")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);
}

/// <summary>A backup's <see cref="Backups.DescriptionFile"/>.</summary>
/// <param name="Schema">The database schema version the backup holds.</param>
/// <param name="Created">Its UTC creation time, as its folder is named.</param>
/// <param name="Files">
/// The files it holds, relative to its folder with <c>/</c> between folder and name; null in backups made before the
/// list was written (database, key, audit log and settings only).
/// </param>
public sealed record BackupDescription(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("created")] string? Created,
    [property: JsonPropertyName("files")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Files);

/// <summary>
/// Whether each backup's copy of the audit log verifies, remembered per backup folder together with the length and
/// last write time of the files the answer depends on (the log, its checkpoint and the signing key): the system page
/// verifies a backup once, and again only when one of those files changed.
/// </summary>
public sealed class BackupVerifications
{
    private readonly ConcurrentDictionary<string, (string Files, bool Intact)> _known = new(StringComparer.Ordinal);
    private long _runs;

    /// <summary>How many verifications have run (not answered from memory), for tests.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Whether the audit log in <paramref name="folder"/> verifies; verified when first asked or changed since.</summary>
    public bool AuditLogVerifies(string folder)
    {
        // Taken before verifying: a file that changes during the verification is verified again next time.
        var files = string.Join('|', Backups.AuditFiles.Select(name => new FileInfo(Path.Combine(folder, name))).Select(f => f.Exists ? $"{f.Length}@{f.LastWriteTimeUtc.Ticks}" : "-"));
        if (_known.TryGetValue(folder, out var known) && string.Equals(known.Files, files, StringComparison.Ordinal))
        {
            return known.Intact;
        }

        Interlocked.Increment(ref _runs);
        var intact = Backups.AuditLogVerifies(folder);
        _known[folder] = (files, intact);
        return intact;
    }

    /// <summary>Forgets the folders that are no longer backups.</summary>
    internal void KeepOnly(IEnumerable<string> folders)
    {
        var listed = folders.ToHashSet(StringComparer.Ordinal);
        foreach (var folder in _known.Keys.Where(f => !listed.Contains(f)))
        {
            _known.TryRemove(folder, out _);
        }
    }
}

/// <summary>What the start did with a restore marker.</summary>
/// <param name="Request">The marker's request (the backup, who asked and when).</param>
/// <param name="Restored">Whether the backup's files are now in place.</param>
/// <param name="Detail">What happened, or why it was refused, for the log and the audit entry.</param>
/// <param name="Replaced">The stamp of the folder under replaced/ that holds the files a restore replaced.</param>
/// <param name="AuditLogKept">Whether the appliance continues its own audit log (false: the backup's took over).</param>
public sealed record RestoreOutcome(RestoreRequest Request, bool Restored, string Detail, string? Replaced = null, bool AuditLogKept = true);

/// <summary>
/// Restores a backup at start-up, before the database is opened, when the system page left a
/// <see cref="Backups.PendingMarker"/>. The backup is checked first (name, schema, the database opening with its key);
/// if anything is wrong nothing is touched, the marker becomes <see cref="Backups.FailedMarker"/> with the reason and the
/// appliance starts on its current data. Otherwise the current database, its key and the settings move to
/// <c>replaced/&lt;UTC time&gt;/</c> and the backup's copies take their place; so do the uploaded TLS certificate and
/// key (<c>tls/</c>) and the data-protection key ring (<c>keys/</c>) when the backup holds them (a certificate that does
/// not parse or whose key does not match refuses the whole restore). It runs before the certificate is loaded and the
/// key ring is read, so the start that restores already serves the restored certificate and reads the old cookies.
/// </summary>
/// <remarks>
/// The audit log is never rolled back: it is append-only and proves what happened, including what happened after the
/// backup. Only when the current log is missing or does not verify does the backup's log (with its checkpoint and
/// signing key) take over, and the failed one is kept in <c>replaced/</c> as evidence.
/// </remarks>
public static class RestoreAtStart
{
    /// <summary>Acts on a pending marker; null when there is none.</summary>
    public static RestoreOutcome? Run(string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var marker = Path.Combine(dataDirectory, Backups.PendingMarker);
        if (!File.Exists(marker))
        {
            return null;
        }

        var request = Backups.ReadMarker(marker);
        if (request is null)
        {
            return Refuse(dataDirectory, new RestoreRequest("?", "?", time.GetUtcNow()), "the restore marker cannot be read");
        }

        var folder = Backups.FolderOf(dataDirectory, request.Backup);
        if (folder is null)
        {
            return Refuse(dataDirectory, request, "it names no backup folder under backups/");
        }

        if (Problem(folder, out var extras) is { } problem)
        {
            return Refuse(dataDirectory, request, problem);
        }

        var stamp = Backups.Stamp(time.GetUtcNow());
        var replaced = PrivateFiles.CreateDirectory(Path.Combine(dataDirectory, Backups.ReplacedFolderName, stamp)).FullName;
        var moved = new List<(string From, string To)>();
        var copied = new List<string>();
        try
        {
            var database = Path.Combine(dataDirectory, Backups.DatabaseFileName);
            // The LiteDB log belongs to the current file: left behind, it would be replayed into the restored one.
            var aside = new List<string> { Backups.DatabaseFileName, Path.GetFileName(ApplianceDatabase.LogFileOf(database)), ApplianceDatabase.DefaultKeyFileName, SystemAdministration.SettingsFileName };
            var restoredFiles = new List<string> { Backups.DatabaseFileName, ApplianceDatabase.DefaultKeyFileName, SystemAdministration.SettingsFileName };
            // The certificate and the key ring are replaced only by a backup that holds them: one made before they were
            // backed up (or on an appliance without an uploaded certificate) leaves the current ones in place.
            if (extras.Any(f => UploadedCertificate.RelativePaths.Contains(f)))
            {
                aside.AddRange(UploadedCertificate.RelativePaths);
            }

            if (extras.Any(Backups.IsKeyRingFile))
            {
                aside.AddRange(Backups.KeyRingFiles(dataDirectory));
            }

            restoredFiles.AddRange(extras);
            var keepAuditLog = Backups.AuditLogVerifies(dataDirectory);
            if (!keepAuditLog)
            {
                aside.AddRange(Backups.AuditFiles);
                restoredFiles.AddRange(Backups.AuditFiles);
            }

            foreach (var file in aside)
            {
                MoveAside(dataDirectory, file, replaced, moved);
            }

            foreach (var file in restoredFiles)
            {
                var source = Path.Combine(folder, file);
                if (File.Exists(source))
                {
                    var destination = Path.Combine(dataDirectory, file);
                    PrivateFiles.CreateDirectory(Path.GetDirectoryName(destination)!);
                    CopyPrivate(source, destination);
                    copied.Add(destination);
                }
            }

            File.Delete(marker);
            File.Delete(Path.Combine(dataDirectory, Backups.FailedMarker));
            var auditNote = keepAuditLog
                ? "the current audit log was kept"
                : $"the current audit log was missing or did not verify, so the backup's continues it (the old one is in {replaced})";
            return new RestoreOutcome(request, true, $"restored; the replaced files are in {replaced}; {auditNote}", stamp, keepAuditLog);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Put everything back as it was, so that the start continues on the data it had.
            foreach (var file in copied)
            {
                File.Delete(file);
            }

            foreach (var (from, to) in Enumerable.Reverse(moved))
            {
                File.Move(to, from);
            }

            return Refuse(dataDirectory, request, "copying the files failed: " + e.Message);
        }
    }

    /// <summary>
    /// Why <paramref name="folder"/> cannot be restored by this build; null when it can, with the certificate and
    /// key-ring files it holds besides the database, its key and the settings in <paramref name="extras"/>.
    /// </summary>
    private static string? Problem(string folder, out IReadOnlyList<string> extras)
    {
        extras = [];
        var description = Backups.Describe(folder);
        var schema = description?.Schema;
        if (schema is null)
        {
            return $"its {Backups.DescriptionFile} is missing or unreadable";
        }

        if (schema > ApplianceDatabase.SchemaVersion)
        {
            return $"its schema version {schema} is newer than this build's {ApplianceDatabase.SchemaVersion}";
        }

        try
        {
            ApplianceDatabase.CheckCopy(Path.Combine(folder, Backups.DatabaseFileName), Path.Combine(folder, ApplianceDatabase.DefaultKeyFileName));
        }
        catch (StorageException e)
        {
            return "its database cannot be used: " + e.Message;
        }

        var listed = description!.Files ?? [];
        var certificate = UploadedCertificate.RelativePaths.Where(listed.Contains).ToList();
        var keyRing = listed.Where(Backups.IsKeyRingFile).ToList();
        if (certificate.Concat(keyRing).FirstOrDefault(f => !File.Exists(Path.Combine(folder, f))) is { } missing)
        {
            return $"its {Backups.DescriptionFile} lists {missing}, which is not in the backup";
        }

        if (certificate.Count == 1)
        {
            return $"it holds {certificate[0]} without the other half of the TLS certificate and key";
        }

        if (certificate.Count == 2 && CertificateProblem(folder) is { } unusable)
        {
            return "its TLS certificate cannot be used: " + unusable;
        }

        if (keyRing.FirstOrDefault(f => !IsDataProtectionKey(Path.Combine(folder, f))) is { } notAKey)
        {
            return $"its {notAKey} is not a data-protection key";
        }

        extras = [.. certificate, .. keyRing];
        return null;
    }

    private static string? CertificateProblem(string folder)
    {
        var paths = UploadedCertificate.RelativePaths.Select(f => Path.Combine(folder, f)).ToList();
        try
        {
            using var certificate = UploadedCertificate.TryParse(File.ReadAllText(paths[0]), File.ReadAllText(paths[1]), out var problem);
            return problem;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    // An XML file whose root is the <key> element the data-protection system writes; nothing in it is shown anywhere.
    private static bool IsDataProtectionKey(string path)
    {
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return reader.MoveToContent() == XmlNodeType.Element && reader.LocalName == "key";
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static RestoreOutcome Refuse(string dataDirectory, RestoreRequest request, string reason)
    {
        // The marker is a file anyone with access to the data folder could have written: its name reaches the logs and
        // the page only as printable text of bounded length.
        var name = new string([.. request.Backup.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '-' or '_').Take(64)]);
        var failed = request with { Backup = name.Length == 0 ? "?" : name, FailureReason = reason };
        Backups.WriteMarker(Path.Combine(dataDirectory, Backups.FailedMarker), failed);
        File.Delete(Path.Combine(dataDirectory, Backups.PendingMarker));
        return new RestoreOutcome(failed, false, reason);
    }

    private static void MoveAside(string dataDirectory, string relativePath, string replaced, List<(string From, string To)> moved)
    {
        var file = Path.Combine(dataDirectory, relativePath);
        if (!File.Exists(file))
        {
            return;
        }

        var destination = Path.Combine(replaced, relativePath);
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(file, destination);
        moved.Add((file, destination));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void CopyPrivate(string source, string destination)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var from = new FileStream(source, FileMode.Open, FileAccess.Read);
        using var to = new FileStream(destination, options);
        from.CopyTo(to);
        to.Flush(flushToDisk: true);
    }
}

/// <summary>
/// Reports what the start-up restore did once the audit log is open: an error or information line in the operational
/// log, and a <see cref="AuditAction.BackupRestored"/> entry with the backup's name and the outcome.
/// </summary>
public sealed class RestoreReport(RestoreOutcome? outcome, IAuditLog audit, ILogger<RestoreReport> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (outcome is null)
        {
            return;
        }

        if (outcome.Restored)
        {
            log.LogWarning("Backup {Backup} restored at start as asked by {RequestedBy}: {Detail}", outcome.Request.Backup, outcome.Request.RequestedBy, outcome.Detail);
        }
        else
        {
            log.LogError("Restoring backup {Backup} was refused; the appliance started on its current data: {Reason}", outcome.Request.Backup, outcome.Detail);
        }

        // Details are short by the audit log's rule: the reason is cut, the full text is in the operational log.
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["requestedBy"] = Short(outcome.Request.RequestedBy) };
        if (outcome.Restored)
        {
            details["replaced"] = outcome.Replaced ?? string.Empty;
            details["auditLog"] = outcome.AuditLogKept ? "kept" : "taken-from-backup";
        }
        else
        {
            details["reason"] = Short(outcome.Detail);
        }

        await audit.AppendAsync(
            new AuditEvent(PolicyAdministration.SystemActor, AuditAction.BackupRestored, outcome.Request.Backup, outcome.Restored ? AuditOutcome.Success : AuditOutcome.Failed, details),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Short(string text) => text.Length <= AuditChain.MaxDetailLength ? text : text[..(AuditChain.MaxDetailLength - 1)] + "…";
}
