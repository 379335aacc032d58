using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Host.Security;
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

    /// <summary>The description a backup carries: schema version and creation time.</summary>
    public const string DescriptionFile = "backup.json";

    /// <summary>A backup's name is its UTC creation time, as <see cref="SystemAdministration.BackupAsync"/> names it.</summary>
    public const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
    public static int? SchemaOf(string folder)
    {
        var path = Path.Combine(folder, DescriptionFile);
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 4096)
            {
                return null;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("schema", out var schema)
                && schema.ValueKind == JsonValueKind.Number
                && schema.TryGetInt32(out var version) && version > 0
                ? version
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Every backup under the data folder, newest first.</summary>
    public static IReadOnlyList<BackupSummary> List(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, FolderName);
        if (!Directory.Exists(root))
        {
            return [];
        }

        var found = new List<BackupSummary>();
        foreach (var candidate in Directory.EnumerateDirectories(root))
        {
            var name = Path.GetFileName(candidate);
            if (FolderOf(dataDirectory, name) is not { } folder || !IsBackupName(name, out var created))
            {
                continue;
            }

            var schema = SchemaOf(folder);
            var size = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
            var restorable = schema is { } v && v <= ApplianceDatabase.SchemaVersion
                && File.Exists(Path.Combine(folder, DatabaseFileName)) && File.Exists(Path.Combine(folder, ApplianceDatabase.DefaultKeyFileName));
            found.Add(new BackupSummary(name, created, schema, size, AuditLogVerifies(folder), restorable));
        }

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
/// <c>replaced/&lt;UTC time&gt;/</c> and the backup's copies take their place.
/// </summary>
/// <remarks>
/// The audit log is never rolled back: it is append-only and proves what happened, including what happened after the
/// backup. Only when the current log is missing or does not verify does the backup's log (with its checkpoint and
/// signing key) take over, and the failed one is kept in <c>replaced/</c> as evidence.
/// </remarks>
public static class RestoreAtStart
{
    private static readonly string[] AuditFiles = ["audit.log", "audit.checkpoint", "audit-signing.key"];

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

        if (Problem(folder) is { } problem)
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
            foreach (var file in new[] { database, ApplianceDatabase.LogFileOf(database), Path.Combine(dataDirectory, ApplianceDatabase.DefaultKeyFileName), Path.Combine(dataDirectory, SystemAdministration.SettingsFileName) })
            {
                MoveAside(file, replaced, moved);
            }

            var keepAuditLog = Backups.AuditLogVerifies(dataDirectory);
            var restoredFiles = new List<string> { Backups.DatabaseFileName, ApplianceDatabase.DefaultKeyFileName, SystemAdministration.SettingsFileName };
            if (!keepAuditLog)
            {
                foreach (var file in AuditFiles)
                {
                    MoveAside(Path.Combine(dataDirectory, file), replaced, moved);
                }

                restoredFiles.AddRange(AuditFiles);
            }

            foreach (var file in restoredFiles)
            {
                var source = Path.Combine(folder, file);
                if (File.Exists(source))
                {
                    var destination = Path.Combine(dataDirectory, file);
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

    /// <summary>Why <paramref name="folder"/> cannot be restored by this build; null when it can.</summary>
    private static string? Problem(string folder)
    {
        var schema = Backups.SchemaOf(folder);
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
            return null;
        }
        catch (StorageException e)
        {
            return "its database cannot be used: " + e.Message;
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

    private static void MoveAside(string file, string replaced, List<(string From, string To)> moved)
    {
        if (!File.Exists(file))
        {
            return;
        }

        var destination = Path.Combine(replaced, Path.GetFileName(file));
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
