using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Appliance.Core.Audit;

/// <summary>
/// How entries are hashed, chained, signed and written as lines. Everything here is deterministic, so that the verifier
/// can recompute each hash and re-create each line byte for byte.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Most details an entry may carry.</summary>
    public const int MaxDetails = 16;

    /// <summary>Longest detail value; long enough for ids and addresses, too short for a message.</summary>
    public const int MaxDetailLength = 256;

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly byte[] EntryDomain = "appliance-audit-entry-v1"u8.ToArray();
    private static readonly byte[] CheckpointDomain = "appliance-audit-checkpoint-v1"u8.ToArray();

    /// <summary>Detail keys that suggest content the audit log must never hold.</summary>
    private static readonly string[] ForbiddenKeyParts = ["message", "text", "content", "body", "chat", "password", "secret", "token", "pin", "key"];

    /// <summary>Checks an event before it is written; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static void Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Actor, nameof(auditEvent));
        ArgumentNullException.ThrowIfNull(auditEvent.Target, nameof(auditEvent));
        if (!Enum.IsDefined(auditEvent.Action) || !Enum.IsDefined(auditEvent.Outcome))
        {
            throw new ArgumentException("Unknown audit action or outcome.", nameof(auditEvent));
        }

        if (auditEvent.Actor.Length > MaxDetailLength || auditEvent.Target.Length > MaxDetailLength)
        {
            throw new ArgumentException("Audit actor and target are identifiers, not text.", nameof(auditEvent));
        }

        var details = auditEvent.Details ?? new Dictionary<string, string>();
        if (details.Count > MaxDetails)
        {
            throw new ArgumentException($"An audit entry carries at most {MaxDetails} details.", nameof(auditEvent));
        }

        foreach (var (key, value) in details)
        {
            if (key.Length is 0 or > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"Audit detail key '{key}' must be 1 to 64 letters, digits, '.', '-' or '_'.", nameof(auditEvent));
            }

            if (ForbiddenKeyParts.Any(part => key.Contains(part, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"Audit detail '{key}' looks like content or a secret, which the audit log never records.", nameof(auditEvent));
            }

            if (value is null || value.Length > MaxDetailLength)
            {
                throw new ArgumentException($"Audit detail '{key}' must be at most {MaxDetailLength} characters.", nameof(auditEvent));
            }
        }
    }

    /// <summary>Makes the entry that follows <paramref name="previousHash"/>.</summary>
    public static AuditEntry Seal(AuditEvent auditEvent, long sequence, DateTimeOffset time, string previousHash)
    {
        Validate(auditEvent);
        var details = new SortedDictionary<string, string>(auditEvent.Details?.ToDictionary() ?? [], StringComparer.Ordinal);
        // Stored at the precision the line keeps, so that the entry handed back equals the one read back.
        var utc = new DateTimeOffset(time.UtcTicks, TimeSpan.Zero);
        var unsealed = new AuditEntry(sequence, utc, auditEvent.Actor, auditEvent.Action, auditEvent.Target, auditEvent.Outcome, details, previousHash, string.Empty);
        return unsealed with { Hash = ComputeHash(unsealed) };
    }

    /// <summary>
    /// SHA-256 over the previous hash and a length-prefixed encoding of every field, so that no two different entries
    /// encode the same and the JSON form (escaping, order) plays no part in what is hashed.
    /// </summary>
    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        buffer.Write(EntryDomain);
        Span<byte> previous = stackalloc byte[32];
        if (Convert.FromHexString(entry.PreviousHash, previous, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            // A malformed previous hash still hashes (as its text), so the mismatch shows up as a broken link, not a crash.
            WriteField(buffer, entry.PreviousHash);
        }
        else
        {
            buffer.Write(previous);
        }

        WriteField(buffer, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        WriteField(buffer, FormatTime(entry.Time));
        WriteField(buffer, entry.Actor);
        WriteField(buffer, entry.Action.ToString());
        WriteField(buffer, entry.Target);
        WriteField(buffer, entry.Outcome.ToString());
        WriteField(buffer, entry.Details.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in entry.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            WriteField(buffer, key);
            WriteField(buffer, value);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>The bytes a checkpoint signature covers.</summary>
    public static byte[] CheckpointMessage(long sequence, string hash, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(hash);
        using var buffer = new MemoryStream();
        buffer.Write(CheckpointDomain);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        buffer.Write(number);
        WriteField(buffer, hash);
        WriteField(buffer, FormatTime(time));
        return buffer.ToArray();
    }

    /// <summary>The JSON line for an entry (no newline).</summary>
    public static string FormatLine(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Json(writer =>
        {
            writer.WriteString("type", "entry");
            writer.WriteNumber("seq", entry.Sequence);
            writer.WriteString("time", FormatTime(entry.Time));
            writer.WriteString("actor", entry.Actor);
            writer.WriteString("action", entry.Action.ToString());
            writer.WriteString("target", entry.Target);
            writer.WriteString("outcome", entry.Outcome.ToString());
            writer.WriteStartObject("details");
            foreach (var (key, value) in entry.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteString("prev", entry.PreviousHash);
            writer.WriteString("hash", entry.Hash);
        });
    }

    /// <summary>The JSON line for a checkpoint (no newline).</summary>
    public static string FormatLine(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Json(writer =>
        {
            writer.WriteString("type", "checkpoint");
            writer.WriteNumber("seq", checkpoint.Sequence);
            writer.WriteString("hash", checkpoint.Hash);
            writer.WriteString("time", FormatTime(checkpoint.Time));
            writer.WriteString("key", checkpoint.KeyId);
            writer.WriteString("sig", checkpoint.Signature);
        });
    }

    /// <summary>Reads a line back; null when it is not a well-formed entry or checkpoint.</summary>
    public static object? ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.GetProperty("type").GetString() switch
            {
                "entry" => new AuditEntry(
                    root.GetProperty("seq").GetInt64(),
                    ParseTime(root.GetProperty("time").GetString()),
                    Required(root, "actor"),
                    Enum.Parse<AuditAction>(Required(root, "action"), ignoreCase: false),
                    Required(root, "target"),
                    Enum.Parse<AuditOutcome>(Required(root, "outcome"), ignoreCase: false),
                    root.GetProperty("details").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new FormatException(), StringComparer.Ordinal),
                    Required(root, "prev"),
                    Required(root, "hash")),
                "checkpoint" => new AuditCheckpoint(
                    root.GetProperty("seq").GetInt64(),
                    Required(root, "hash"),
                    ParseTime(root.GetProperty("time").GetString()),
                    Required(root, "key"),
                    Required(root, "sig")),
                _ => null,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static string Required(JsonElement root, string name) => root.GetProperty(name).GetString() ?? throw new FormatException(name);

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string? text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text ?? string.Empty, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc));

    private static void WriteField(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
