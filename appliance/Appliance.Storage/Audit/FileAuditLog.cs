using System.Text;
using Appliance.Core.Audit;
using Appliance.Crypto;

namespace Appliance.Storage.Audit;

/// <summary>Where the audit log lives and how often it is signed.</summary>
public sealed class AuditLogOptions
{
    /// <summary>The data folder (the same as the database's).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The log file: JSON lines, one entry or checkpoint per line.</summary>
    public string FileName { get; init; } = "audit.log";

    /// <summary>The latest checkpoint, kept beside the log so that cutting entries off the log's end is noticed.</summary>
    public string CheckpointFileName { get; init; } = "audit.checkpoint";

    /// <summary>The Ed25519 seed (32 bytes, base64, mode 0600); defaults to &lt;DataDirectory&gt;/audit-signing.key.</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>A checkpoint is signed after this many entries.</summary>
    public int CheckpointEvery { get; init; } = 100;

    internal string LogPath => Path.Combine(Path.GetFullPath(DataDirectory), FileName);

    internal string CheckpointPath => Path.Combine(Path.GetFullPath(DataDirectory), CheckpointFileName);

    internal string KeyPath => Path.GetFullPath(SigningKeyPath ?? Path.Combine(DataDirectory, "audit-signing.key"));
}

/// <summary>
/// The audit log as an append-only file of JSON lines in the data folder. The file is opened for appending only, each
/// entry is flushed to disk before <see cref="AppendAsync"/> returns, appends are serialised so the chain never forks,
/// and a checkpoint signed with the appliance's Ed25519 key follows every N entries.
/// </summary>
/// <remarks>
/// Reading entries goes through an index of where each entry's line starts, built when the log is opened (which reads
/// the file once anyway, to continue the chain) and extended by every append: a reader seeks to the entries it wants
/// and reads only their lines, so that a page of the newest entries costs the same in a log of any length. Verifying
/// reads the whole file, as it must.
/// </remarks>
public sealed class FileAuditLog : IAuditLog, IAsyncDisposable, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly AuditLogOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditSigner _signer;
    private readonly FileStream _file;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Guards the index and the length of whole lines, which readers use while an append extends them.
    private readonly Lock _index = new();
    private readonly List<long> _entrySequences;
    private readonly List<long> _entryOffsets;
    private readonly List<long> _entryTicks;
    private long _length;
    private long _bytesRead;
    private long _lastSequence;
    private string _lastHash;
    private long _lastCheckpoint;
    private bool _disposed;

    private FileAuditLog(AuditLogOptions options, TimeProvider time, AuditSigner signer, FileStream file, Tail tail)
    {
        _options = options;
        _time = time;
        _signer = signer;
        _file = file;
        _lastSequence = tail.Sequence;
        _lastHash = tail.Hash;
        _lastCheckpoint = tail.Checkpoint;
        _entrySequences = tail.Sequences;
        _entryOffsets = tail.Offsets;
        _entryTicks = tail.Ticks;
        _length = tail.Length;
    }

    /// <summary>The log file's full path.</summary>
    public string LogPath => _options.LogPath;

    /// <summary>
    /// How many bytes of the log file the entry reads (<see cref="ReadAsync"/>, <see cref="ReadForwardAsync"/>,
    /// <see cref="ReadBackwardAsync"/>) have read since the log was opened; verification is not counted.
    /// </summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>
    /// Opens the log, creating the data folder, the signing key and the file on first use. Refuses (with
    /// <see cref="StorageException"/>) a log whose last line cannot be read, rather than chain new entries onto it.
    /// </summary>
    public static FileAuditLog Open(AuditLogOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CheckpointEvery, 1, nameof(options));
        ApplianceDatabase.EnsureDataDirectory(Path.GetFullPath(options.DataDirectory));
        if (!File.Exists(options.KeyPath))
        {
            if (File.Exists(options.LogPath))
            {
                throw new StorageException(
                    $"The audit log {options.LogPath} exists but its signing key {options.KeyPath} is missing; put back the key from your backup. No new key was created.");
            }

            KeyFile.Create(options.KeyPath);
        }

        var signer = LoadSigner(options.KeyPath);
        var tail = ReadTail(options.LogPath);
        var fileOptions = new FileStreamOptions
        {
            // Append mode: every write goes to the end whatever the position, and the stream cannot seek back.
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
        };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = OwnerOnly;
        }

        FileStream file;
        try
        {
            file = new FileStream(options.LogPath, fileOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Cannot open the audit log {options.LogPath} for appending: {e.Message}", e);
        }

        return new FileAuditLog(options, time, signer, file, tail);
    }

    /// <summary>
    /// Verifies a stored log without opening it for writing (the CLI verb): the public key is derived from the signing
    /// key file. Throws <see cref="StorageException"/> when the log or key cannot be read at all.
    /// </summary>
    public static async Task<AuditVerification> VerifyFileAsync(AuditLogOptions options, CancellationToken cancellationToken = default) =>
        await VerifyAsync(options, StoredPublicKey(options), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// As <see cref="VerifyFileAsync"/>, synchronously: for the start-up restore, which runs before anything else and
    /// decides which audit log the appliance continues.
    /// </summary>
    public static AuditVerification VerifyFile(AuditLogOptions options)
    {
        var publicKey = StoredPublicKey(options);
        var lines = new List<string>();
        using (var stream = new FileStream(options.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }
        }

        var anchor = File.Exists(options.CheckpointPath) ? File.ReadAllText(options.CheckpointPath).TrimEnd('\n') : null;
        return AuditVerifier.Verify(lines, publicKey, anchor);
    }

    private static byte[] StoredPublicKey(AuditLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(options.LogPath))
        {
            throw new StorageException($"There is no audit log at {options.LogPath}.");
        }

        if (!File.Exists(options.KeyPath))
        {
            throw new StorageException($"The audit signing key {options.KeyPath} is missing; checkpoints cannot be checked without it.");
        }

        return LoadSigner(options.KeyPath).PublicKey();
    }

    /// <inheritdoc />
    public async Task<AuditEntry> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        AuditChain.Validate(auditEvent);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entry = AuditChain.Seal(auditEvent, _lastSequence + 1, _time.GetUtcNow(), _lastHash);
            await WriteLineAsync(AuditChain.FormatLine(entry), entry).ConfigureAwait(false);
            _lastSequence = entry.Sequence;
            _lastHash = entry.Hash;
            if (_lastSequence - _lastCheckpoint >= _options.CheckpointEvery)
            {
                await SignCheckpointAsync().ConfigureAwait(false);
            }

            return entry;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<AuditCheckpoint?> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _lastSequence == 0 ? null : await SignCheckpointAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(long fromSequence, int count, CancellationToken cancellationToken = default) =>
        ReadForwardAsync(fromSequence, count, null, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadForwardAsync(long fromSequence, int count, AuditFilter? filter, CancellationToken cancellationToken = default) =>
        FindAsync(fromSequence, count, filter ?? new AuditFilter(), backward: false, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadBackwardAsync(long throughSequence, int count, AuditFilter? filter, CancellationToken cancellationToken = default) =>
        FindAsync(throughSequence, count, filter ?? new AuditFilter(), backward: true, cancellationToken);

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        VerifyAsync(_options, _signer.PublicKey(), cancellationToken);

    /// <summary>Signs a final checkpoint (so a clean shutdown leaves nothing unsigned) and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            if (_lastSequence > _lastCheckpoint)
            {
                await SignCheckpointAsync().ConfigureAwait(false);
            }

            _disposed = true;
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the file without a final checkpoint (prefer <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _file.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<AuditVerification> VerifyAsync(AuditLogOptions options, byte[] publicKey, CancellationToken cancellationToken)
    {
        var lines = await ReadLinesAsync(options.LogPath, cancellationToken).ConfigureAwait(false);
        string? anchor = null;
        if (File.Exists(options.CheckpointPath))
        {
            anchor = (await File.ReadAllTextAsync(options.CheckpointPath, cancellationToken).ConfigureAwait(false)).TrimEnd('\n');
        }

        return AuditVerifier.Verify(lines, publicKey, anchor);
    }

    /// <summary>
    /// Walks the index from <paramref name="sequence"/> in batches of entries that grow while few match (a filter that
    /// matches rarely reads more per step, one that matches often reads little more than it returns). Entries outside
    /// the filter's period are passed over by their time in the index, unread; times are checked entry by entry, so a
    /// clock that once went back costs reading, never a wrong answer.
    /// </summary>
    private async Task<IReadOnlyList<AuditEntry>> FindAsync(long sequence, int count, AuditFilter filter, bool backward, CancellationToken cancellationToken)
    {
        const int FirstBatch = 16;
        const int LargestBatch = 4096;
        var found = new List<AuditEntry>();
        if (count <= 0)
        {
            return found;
        }

        int position;
        lock (_index)
        {
            var at = _entrySequences.BinarySearch(sequence);
            // Not found: ~at is the first entry after the sequence, so the one before it is the last entry before it.
            position = at >= 0 ? at : backward ? ~at - 1 : ~at;
        }

        var batch = Math.Clamp(count + 1, FirstBatch, LargestBatch);
        var step = backward ? -1 : 1;
        while (found.Count < count)
        {
            int first, last;
            lock (_index)
            {
                bool InPeriod(int at) => filter.InPeriod(new DateTimeOffset(_entryTicks[at], TimeSpan.Zero));
                while (position >= 0 && position < _entryOffsets.Count && !InPeriod(position))
                {
                    position += step;
                }

                if (position < 0 || position >= _entryOffsets.Count)
                {
                    break;
                }

                var end = position;
                while (Math.Abs(end - position) + 1 < batch && end + step >= 0 && end + step < _entryOffsets.Count && InPeriod(end + step))
                {
                    end += step;
                }

                (first, last) = backward ? (end, position) : (position, end);
            }

            var entries = await ReadIndexedAsync(first, last, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < entries.Count && found.Count < count; i++)
            {
                var entry = entries[backward ? entries.Count - 1 - i : i];
                if (filter.Accepts(entry))
                {
                    found.Add(entry);
                }
            }

            position = backward ? first - 1 : last + 1;
            batch = Math.Min(batch * 2, LargestBatch);
        }

        return found;
    }

    /// <summary>The entries at index positions <paramref name="first"/> to <paramref name="last"/>, read in one piece.</summary>
    private async Task<List<AuditEntry>> ReadIndexedAsync(int first, int last, CancellationToken cancellationToken)
    {
        long start, end;
        lock (_index)
        {
            start = _entryOffsets[first];
            end = last + 1 < _entryOffsets.Count ? _entryOffsets[last + 1] : _length;
        }

        var bytes = new byte[checked((int)(end - start))];
        var filled = 0;
        // Shared read while the appliance appends: the range ends at a line that was whole when it was indexed.
        using (var handle = File.OpenHandle(_options.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            while (filled < bytes.Length)
            {
                var read = await RandomAccess.ReadAsync(handle, bytes.AsMemory(filled), start + filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }

        Interlocked.Add(ref _bytesRead, filled);
        var entries = new List<AuditEntry>(last - first + 1);
        // Checkpoint lines between the entries are read too, and skipped.
        foreach (var (_, _, line, _) in Lines(bytes.AsMemory(0, filled), 0))
        {
            if (AuditChain.ParseLine(line) is AuditEntry entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private async Task<AuditCheckpoint> SignCheckpointAsync()
    {
        var time = _time.GetUtcNow();
        var signature = _signer.Sign(AuditChain.CheckpointMessage(_lastSequence, _lastHash, time));
        var checkpoint = new AuditCheckpoint(_lastSequence, _lastHash, new DateTimeOffset(time.UtcTicks, TimeSpan.Zero), _signer.KeyId, Convert.ToBase64String(signature));
        var line = AuditChain.FormatLine(checkpoint);
        await WriteLineAsync(line, entry: null).ConfigureAwait(false);
        WriteAnchor(line);
        _lastCheckpoint = _lastSequence;
        return checkpoint;
    }

    private async Task WriteLineAsync(string line, AuditEntry? entry)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        // One write per line keeps a line whole for readers; fsync before returning so that an acknowledged event
        // survives a power cut.
        await _file.WriteAsync(bytes).ConfigureAwait(false);
        await _file.FlushAsync().ConfigureAwait(false);
        _file.Flush(flushToDisk: true);
        // Readers see the line only once it is whole in the file.
        lock (_index)
        {
            if (entry is not null)
            {
                _entrySequences.Add(entry.Sequence);
                _entryOffsets.Add(_length);
                _entryTicks.Add(entry.Time.UtcTicks);
            }

            _length += bytes.Length;
        }
    }

    /// <summary>Replaces the checkpoint file atomically (temporary file, fsync, rename), so it is never half written.</summary>
    private void WriteAnchor(string line)
    {
        var temporary = _options.CheckpointPath + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, fileOptions))
        {
            stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _options.CheckpointPath, overwrite: true);
    }

    private static AuditSigner LoadSigner(string keyPath)
    {
        var seed = KeyFile.ReadKey(keyPath, "audit signing key file");
        try
        {
            return AuditSigner.FromSeed(seed);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Where the chain stands at the end of the file, and where each entry's line starts.</summary>
    private sealed record Tail(long Sequence, string Hash, long Checkpoint, List<long> Sequences, List<long> Offsets, List<long> Ticks, long Length);

    private static Tail ReadTail(string path)
    {
        if (!File.Exists(path))
        {
            return new Tail(0, AuditChain.GenesisHash, 0, [], [], [], 0);
        }

        long sequence = 0;
        var hash = AuditChain.GenesisHash;
        long checkpoint = 0;
        var sequences = new List<long>();
        var offsets = new List<long>();
        var ticks = new List<long>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[1024 * 1024];
        var carried = 0;
        long bufferStart = 0;
        while (true)
        {
            var read = stream.Read(buffer, carried, buffer.Length - carried);
            var filled = carried + read;
            var atEnd = read == 0;
            var consumed = 0;
            foreach (var (offset, length, line, whole) in Lines(buffer.AsMemory(0, filled), bufferStart))
            {
                if (!whole && !atEnd)
                {
                    break;
                }

                switch (AuditChain.ParseLine(line))
                {
                    case AuditEntry entry:
                        sequence = entry.Sequence;
                        hash = entry.Hash;
                        sequences.Add(sequence);
                        offsets.Add(offset);
                        ticks.Add(entry.Time.UtcTicks);
                        break;
                    case AuditCheckpoint signed:
                        checkpoint = signed.Sequence;
                        break;
                    default:
                        throw new StorageException(
                            $"The audit log {path} has a line that is not an entry after entry {sequence}; run `verify-audit` and keep the file as evidence before moving it away.");
                }

                if (!whole)
                {
                    throw new StorageException($"The audit log {path} ends in the middle of a line; run `verify-audit` and keep the file as evidence before moving it away.");
                }

                consumed = (int)(offset - bufferStart) + length + 1;
            }

            if (atEnd)
            {
                return new Tail(sequence, hash, checkpoint, sequences, offsets, ticks, bufferStart + filled);
            }

            // The start of a line that goes on in the next read moves to the front of the buffer (which grows for a
            // line longer than itself).
            carried = filled - consumed;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, carried);
            bufferStart += consumed;
            if (carried == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>
    /// The lines in <paramref name="bytes"/> (which starts at file offset <paramref name="start"/>), each with its offset
    /// and length in bytes, and whether a newline ends it (only the last one can lack it).
    /// </summary>
    private static IEnumerable<(long Offset, int Length, string Line, bool Whole)> Lines(ReadOnlyMemory<byte> bytes, long start)
    {
        var from = 0;
        while (from < bytes.Length)
        {
            var end = bytes.Span[from..].IndexOf((byte)'\n');
            var length = end < 0 ? bytes.Length - from : end;
            yield return (start + from, length, Encoding.UTF8.GetString(bytes.Span.Slice(from, length)), end >= 0);
            from += length + 1;
        }
    }

    private static async Task<List<string>> ReadLinesAsync(string path, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        // Shared read while the appliance appends: a reader sees whole lines up to some point.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
