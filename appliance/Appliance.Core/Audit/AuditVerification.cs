namespace Appliance.Core.Audit;

/// <summary>Why the log is not intact.</summary>
public enum AuditProblem
{
    /// <summary>A line is not an entry or checkpoint at all (edited into invalid JSON, an unknown action, a torn write).</summary>
    UnparsableLine,

    /// <summary>The line holds another entry than the one due here: an entry was deleted, inserted or moved.</summary>
    SequenceGap,

    /// <summary>The entry does not point to the hash of the entry before it.</summary>
    PreviousHashMismatch,

    /// <summary>The entry's content does not match its hash: it was edited.</summary>
    HashMismatch,

    /// <summary>The line is not byte for byte what the appliance wrote for this content (for example a changed letter case in a hash).</summary>
    NotCanonical,

    /// <summary>A checkpoint's signature is not the appliance key's signature over what it states.</summary>
    BadCheckpointSignature,

    /// <summary>A checkpoint names a hash or sequence the log does not hold at that place.</summary>
    CheckpointMismatch,

    /// <summary>The log ends before the latest checkpoint kept outside it: entries were cut off the end.</summary>
    Truncated,
}

/// <summary>The first place the log is broken.</summary>
/// <param name="Sequence">The entry the broken line should have held (its position in the chain).</param>
/// <param name="Line">The line number in the file, from 1.</param>
/// <param name="Problem">What is wrong.</param>
/// <param name="Message">What is wrong, in English, for the operator.</param>
public sealed record AuditBreak(long Sequence, int Line, AuditProblem Problem, string Message);

/// <summary>The result of verifying the log.</summary>
/// <param name="EntriesChecked">Entries read up to the first break (all when intact).</param>
/// <param name="CheckpointsChecked">Checkpoint signatures verified.</param>
/// <param name="LastSequence">The last intact entry.</param>
/// <param name="LastCheckpointSequence">The last entry covered by a valid signed checkpoint (0 when none).</param>
/// <param name="Break">The first break; null when intact.</param>
public sealed record AuditVerification(long EntriesChecked, int CheckpointsChecked, long LastSequence, long LastCheckpointSequence, AuditBreak? Break)
{
    /// <summary>True when every entry and checkpoint checked out.</summary>
    public bool Intact => Break is null;

    /// <summary>
    /// Entries after the last signed checkpoint. Their chain is intact, but someone able to write the file could have
    /// rewritten or cut them and recomputed the hashes: only a signature proves they are the appliance's.
    /// </summary>
    public long UnsignedTail => LastSequence - LastCheckpointSequence;

    /// <summary>One line for the operator.</summary>
    public string Summary => Break is { } b
        ? $"BROKEN at entry {b.Sequence} (line {b.Line}): {b.Problem}: {b.Message}"
        : $"INTACT: {EntriesChecked} entries, {CheckpointsChecked} signed checkpoints, last signed entry {LastCheckpointSequence}"
          + (UnsignedTail > 0 ? $", {UnsignedTail} entries after it not yet signed" : string.Empty) + ".";
}
