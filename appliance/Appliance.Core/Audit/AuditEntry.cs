namespace Appliance.Core.Audit;

/// <summary>What happened. Names are written to the log as they stand, so values are only ever added, never renamed.</summary>
public enum AuditAction
{
    /// <summary>A staff member signed in (or failed to: see the outcome).</summary>
    SignIn,

    /// <summary>A staff member signed out.</summary>
    SignOut,

    /// <summary>The policy chosen at installation was put in force.</summary>
    PolicyInstalled,

    /// <summary>A security officer proposed a policy change.</summary>
    PolicyChangeProposed,

    /// <summary>A policy change was put in force (a tightening at once, a loosening after approval).</summary>
    PolicyChangeApplied,

    /// <summary>A second security officer approved a pending loosening (or was refused: see the outcome).</summary>
    PolicyChangeApproved,

    /// <summary>A pending loosening was rejected.</summary>
    PolicyChangeRejected,

    /// <summary>A meeting was booked.</summary>
    MeetingBooked,

    /// <summary>A meeting was cancelled.</summary>
    MeetingCancelled,

    /// <summary>A guest invitation was created.</summary>
    InvitationCreated,

    /// <summary>Someone was admitted to a meeting.</summary>
    Admitted,

    /// <summary>The policy refused an action; the details name the rule.</summary>
    Denied,

    /// <summary>Data was exported (the audit log itself, meeting data).</summary>
    Exported,

    /// <summary>The audit log was verified.</summary>
    AuditVerified,

    /// <summary>A guest invitation was revoked.</summary>
    InvitationRevoked,

    /// <summary>A host turned someone in the lobby away (or the policy did: see the actor and outcome).</summary>
    Rejected,

    /// <summary>A host removed someone from a meeting.</summary>
    Removed,

    /// <summary>A meeting was ended for everyone.</summary>
    MeetingEnded,

    /// <summary>A staff member created a personal API token.</summary>
    ApiTokenCreated,

    /// <summary>A staff member revoked a personal API token.</summary>
    ApiTokenRevoked,

    /// <summary>A retention job deleted data past its level's retention time.</summary>
    RetentionDeleted,

    /// <summary>A booked meeting was changed.</summary>
    MeetingChanged,

    /// <summary>An operator changed appliance settings (TURN, SIP) on the system page.</summary>
    SettingsChanged,

    /// <summary>An operator installed a TLS certificate (or was refused: see the outcome).</summary>
    CertificateInstalled,

    /// <summary>A backup was made.</summary>
    BackupCreated,

    /// <summary>An operator changed the roles of a local staff account (or was refused: see the outcome).</summary>
    RolesChanged,

    /// <summary>An operator asked for a backup to be restored at the next start (or withdrew that: see the details).</summary>
    RestoreRequested,

    /// <summary>
    /// A backup was restored at start-up (or refused: see the outcome and reason). Written as "system.restore" in the
    /// operations documentation; the audit log itself is never rolled back.
    /// </summary>
    BackupRestored,
}

/// <summary>How it ended.</summary>
public enum AuditOutcome
{
    /// <summary>It happened.</summary>
    Success,

    /// <summary>A rule refused it.</summary>
    Denied,

    /// <summary>It was attempted and failed (wrong password, broken file, …).</summary>
    Failed,
}

/// <summary>
/// What a caller records: who did what to what, and how it ended. Details are short identifiers and counts — never
/// message content, passwords, tokens or PINs; keys that suggest such content are refused.
/// </summary>
/// <param name="Actor">Who: a staff user id, "guest:&lt;invitation id&gt;", "sip:&lt;caller&gt;" or "system".</param>
/// <param name="Action">What.</param>
/// <param name="Target">To what: a meeting id, a policy version, a user id; empty when nothing in particular.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Details">Extra facts (rule id, client address, level); at most 16, short.</param>
public sealed record AuditEvent(string Actor, AuditAction Action, string Target, AuditOutcome Outcome, IReadOnlyDictionary<string, string>? Details = null);

/// <summary>One entry of the log: the event, its place in the chain, and the hashes that chain it.</summary>
/// <param name="Sequence">1 for the first entry, then one more per entry; a gap means an entry is missing.</param>
/// <param name="Time">When it was recorded (UTC).</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What.</param>
/// <param name="Target">To what.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Details">Extra facts, sorted by key.</param>
/// <param name="PreviousHash">The hash of the entry before (64 zero hex digits for the first).</param>
/// <param name="Hash">SHA-256 over the previous hash and the canonical encoding of this entry, lowercase hex.</param>
public sealed record AuditEntry(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    AuditAction Action,
    string Target,
    AuditOutcome Outcome,
    IReadOnlyDictionary<string, string> Details,
    string PreviousHash,
    string Hash);

/// <summary>A signed statement "the log held entry <paramref name="Sequence"/> with hash <paramref name="Hash"/>".</summary>
/// <param name="Sequence">The last entry covered.</param>
/// <param name="Hash">That entry's hash.</param>
/// <param name="Time">When the checkpoint was signed.</param>
/// <param name="KeyId">Which key signed (see Appliance.Crypto.AuditSigner.KeyId).</param>
/// <param name="Signature">The Ed25519 signature, base64.</param>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTimeOffset Time, string KeyId, string Signature);

/// <summary>The audit log: append-only, hash-chained, with checkpoints signed by the appliance's key.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry and returns it once it is on disk.</summary>
    Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>Signs a checkpoint over the latest entry now (also done every N entries); null while the log is empty.</summary>
    Task<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> entries from <paramref name="fromSequence"/> on, in order.</summary>
    Task<IReadOnlyList<AuditEntry>> ReadAsync(long fromSequence, int count, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="count"/> entries that <paramref name="filter"/> accepts (all when null), from
    /// <paramref name="fromSequence"/> on, oldest first. Reads only as far into the log as it takes to find them, and not
    /// the entries outside the filter's period.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> ReadForwardAsync(long fromSequence, int count, AuditFilter? filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="count"/> entries that <paramref name="filter"/> accepts (all when null), from
    /// <paramref name="throughSequence"/> (<see cref="long.MaxValue"/>: the newest) back, newest first. Reads the log from
    /// that point backwards only as far as it takes to find them, and not the entries outside the filter's period.
    /// </summary>
    Task<IReadOnlyList<AuditEntry>> ReadBackwardAsync(long throughSequence, int count, AuditFilter? filter, CancellationToken cancellationToken = default);

    /// <summary>Reads the whole stored log and checks every link and checkpoint (the admin action and CLI verb).</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Which entries a read returns: those of a period, which the store can pass over by time without reading them, and
/// that a further condition accepts.
/// </summary>
/// <param name="From">Entries at or after this time; null: from the first.</param>
/// <param name="Until">Entries before this time; null: up to the last.</param>
/// <param name="Match">A further condition; null: every entry of the period.</param>
public sealed record AuditFilter(DateTimeOffset? From = null, DateTimeOffset? Until = null, Func<AuditEntry, bool>? Match = null)
{
    /// <summary>Whether <paramref name="time"/> is in the period.</summary>
    public bool InPeriod(DateTimeOffset time) => (From is null || time >= From) && (Until is null || time < Until);

    /// <summary>Whether the filter accepts <paramref name="entry"/>.</summary>
    public bool Accepts(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return InPeriod(entry.Time) && (Match is null || Match(entry));
    }
}
