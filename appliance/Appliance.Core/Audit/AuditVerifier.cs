using Appliance.Crypto;

namespace Appliance.Core.Audit;

/// <summary>
/// Walks a stored log line by line and reports the first broken link. Pure: the storage hands in the lines, the public
/// key and the checkpoint kept outside the log, so the same code serves the admin action, the CLI verb and the tests.
/// </summary>
public static class AuditVerifier
{
    /// <summary>Verifies the lines of a log.</summary>
    /// <param name="lines">The file's lines in order (without line ends).</param>
    /// <param name="publicKey">The appliance's Ed25519 public key.</param>
    /// <param name="latestCheckpoint">The latest checkpoint kept outside the log file (detects a cut-off end); null when none.</param>
    public static AuditVerification Verify(IEnumerable<string> lines, ReadOnlySpan<byte> publicKey, string? latestCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var key = publicKey.ToArray();
        var hashes = new List<string>();
        var previous = AuditChain.GenesisHash;
        long expected = 1;
        long lastSigned = 0;
        var checkpoints = 0;
        var lineNumber = 0;

        AuditVerification Broken(AuditProblem problem, long sequence, string message) =>
            new(expected - 1, checkpoints, expected - 1, lastSigned, new AuditBreak(sequence, lineNumber, problem, message));

        foreach (var line in lines)
        {
            lineNumber++;
            switch (AuditChain.ParseLine(line))
            {
                case AuditEntry entry:
                    if (entry.Sequence != expected)
                    {
                        return Broken(AuditProblem.SequenceGap, expected, $"found entry {entry.Sequence} where entry {expected} belongs (entries deleted, inserted or moved).");
                    }

                    if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
                    {
                        return Broken(AuditProblem.PreviousHashMismatch, expected, "the entry does not point to the hash of the entry before it.");
                    }

                    if (!string.Equals(AuditChain.ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
                    {
                        return Broken(AuditProblem.HashMismatch, expected, "the entry's content does not match its hash (it was edited).");
                    }

                    if (!string.Equals(AuditChain.FormatLine(entry), line, StringComparison.Ordinal))
                    {
                        return Broken(AuditProblem.NotCanonical, expected, "the line differs from what the appliance wrote for this entry.");
                    }

                    hashes.Add(entry.Hash);
                    previous = entry.Hash;
                    expected++;
                    break;

                case AuditCheckpoint checkpoint:
                    if (!SignatureValid(checkpoint, key) || !string.Equals(AuditChain.FormatLine(checkpoint), line, StringComparison.Ordinal))
                    {
                        return Broken(AuditProblem.BadCheckpointSignature, checkpoint.Sequence, "the checkpoint is not signed by this appliance's audit key.");
                    }

                    if (checkpoint.Sequence >= expected)
                    {
                        return Broken(AuditProblem.SequenceGap, expected, $"the signed checkpoint for entry {checkpoint.Sequence} follows entry {expected - 1}: entries are missing.");
                    }

                    if (checkpoint.Sequence != expected - 1 || !string.Equals(checkpoint.Hash, previous, StringComparison.Ordinal))
                    {
                        return Broken(AuditProblem.CheckpointMismatch, checkpoint.Sequence, $"the signed checkpoint for entry {checkpoint.Sequence} does not match the entries before it.");
                    }

                    checkpoints++;
                    lastSigned = checkpoint.Sequence;
                    break;

                default:
                    return Broken(AuditProblem.UnparsableLine, expected, "the line is not an audit entry or checkpoint.");
            }
        }

        if (latestCheckpoint is not null)
        {
            lineNumber++;
            if (AuditChain.ParseLine(latestCheckpoint) is not AuditCheckpoint anchor || !SignatureValid(anchor, key))
            {
                return Broken(AuditProblem.BadCheckpointSignature, expected - 1, "the checkpoint kept beside the log is not signed by this appliance's audit key.");
            }

            if (anchor.Sequence > hashes.Count)
            {
                return Broken(AuditProblem.Truncated, hashes.Count + 1, $"the log ends at entry {hashes.Count}, but the appliance signed a checkpoint for entry {anchor.Sequence}: entries were cut off the end.");
            }

            if (anchor.Sequence > 0 && !string.Equals(hashes[(int)anchor.Sequence - 1], anchor.Hash, StringComparison.Ordinal))
            {
                return Broken(AuditProblem.CheckpointMismatch, anchor.Sequence, $"entry {anchor.Sequence} is not the one the appliance signed in its latest checkpoint.");
            }

            lastSigned = Math.Max(lastSigned, anchor.Sequence);
        }

        return new AuditVerification(hashes.Count, checkpoints, hashes.Count, lastSigned, null);
    }

    private static bool SignatureValid(AuditCheckpoint checkpoint, byte[] publicKey)
    {
        Span<byte> signature = stackalloc byte[AuditSigner.SignatureLength];
        return Convert.TryFromBase64String(checkpoint.Signature, signature, out var written)
            && written == AuditSigner.SignatureLength
            && string.Equals(checkpoint.KeyId, AuditSigner.KeyIdOf(publicKey), StringComparison.Ordinal)
            && AuditSigner.Verify(publicKey, AuditChain.CheckpointMessage(checkpoint.Sequence, checkpoint.Hash, checkpoint.Time), signature);
    }
}
