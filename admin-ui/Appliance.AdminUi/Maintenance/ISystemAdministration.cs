namespace Appliance.AdminUi.Maintenance;

/// <summary>TURN and SIP settings as the operator enters them; used when the TURN and SIP features are enabled.</summary>
/// <param name="TurnUris">turn: or turns: URIs clients are given, one per entry.</param>
/// <param name="TurnRealm">The TURN server's realm.</param>
/// <param name="SipTrunkHost">The agency's SIP trunk (host name or address).</param>
/// <param name="SipTrunkPort">Its port.</param>
/// <param name="SipTransport">TLS, TCP or UDP.</param>
/// <param name="SipDialInNumber">The number citizens dial, as shown in invitations (E.164).</param>
public sealed record NetworkSettings(
    IReadOnlyList<string> TurnUris,
    string TurnRealm,
    string SipTrunkHost,
    int SipTrunkPort,
    string SipTransport,
    string SipDialInNumber)
{
    /// <summary>Nothing set.</summary>
    public static NetworkSettings Empty { get; } = new([], string.Empty, string.Empty, 5061, "TLS", string.Empty);
}

/// <summary>What the system page does on the appliance; the host provides it (it owns the files and the database).</summary>
public interface ISystemAdministration
{
    /// <summary>The stored TURN and SIP settings.</summary>
    NetworkSettings ReadSettings();

    /// <summary>Stores validated settings.</summary>
    void SaveSettings(NetworkSettings settings);

    /// <summary>
    /// Checks a PEM certificate chain and key (parses, key matches, valid now and for at least a day, names the public
    /// host) and stores them for the next start; returns message keys of the problems, empty when installed.
    /// </summary>
    IReadOnlyList<string> InstallCertificate(string certificatePem, string keyPem, out string? subject);

    /// <summary>Makes a backup folder now; returns its path.</summary>
    Task<string> BackupAsync(CancellationToken cancellationToken);

    /// <summary>The backups found under the data folder's backups folder, newest first.</summary>
    IReadOnlyList<BackupSummary> ListBackups();

    /// <summary>
    /// Marks <paramref name="backupName"/> to be restored at the next start; false (nothing written) when the name is
    /// not one of the listed backups.
    /// </summary>
    bool RequestRestore(string backupName, string requestedBy);

    /// <summary>Withdraws a pending restore; false when none was pending.</summary>
    bool CancelRestore();

    /// <summary>The restore waiting for the next start, if any.</summary>
    RestoreRequest? PendingRestore();

    /// <summary>The last restore that was refused at start-up, if any, with the reason.</summary>
    RestoreRequest? FailedRestore();
}

/// <summary>One backup folder as the system page lists it.</summary>
/// <param name="Name">The folder's name: its UTC creation time, yyyyMMddTHHmmssZ.</param>
/// <param name="Created">When it was made.</param>
/// <param name="Schema">The database schema version it holds; null when backup.json cannot be read.</param>
/// <param name="SizeBytes">The size of its files together.</param>
/// <param name="AuditLogIntact">Whether the copied audit log verifies with the copied signing key.</param>
/// <param name="Restorable">Whether this build can restore it (schema known and not newer, database and key present).</param>
public sealed record BackupSummary(string Name, DateTimeOffset Created, int? Schema, long SizeBytes, bool AuditLogIntact, bool Restorable);

/// <summary>A restore asked for on the system page (and, when refused at start-up, why).</summary>
/// <param name="Backup">The backup folder's name.</param>
/// <param name="RequestedBy">The operator's user id.</param>
/// <param name="RequestedAt">When it was asked for.</param>
/// <param name="FailureReason">Why the start refused it; null while pending.</param>
public sealed record RestoreRequest(string Backup, string RequestedBy, DateTimeOffset RequestedAt, string? FailureReason = null);
