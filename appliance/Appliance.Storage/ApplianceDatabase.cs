using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Storage.Identity;
using Appliance.Storage.Invitations;
using Appliance.Storage.Meetings;
using Appliance.Storage.Policy;
using Appliance.Storage.Schema;
using LiteDB;

namespace Appliance.Storage;

/// <summary>
/// The appliance's one encrypted LiteDB file and the stores over it. Open it once per process and share it:
/// it is thread-safe, and LiteDB's direct connection must not be opened twice on one file.
/// </summary>
public sealed class ApplianceDatabase : IDisposable
{
    /// <summary>The schema version this build writes; a file with a higher version is refused.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The key file's name in the data folder unless <see cref="StorageOptions.KeyFilePath"/> points elsewhere.</summary>
    public const string DefaultKeyFileName = "appliance.key";

    private readonly LiteDatabase _database;
    private readonly Lock _writeLock;
    private volatile bool _disposed;

    private ApplianceDatabase(LiteDatabase database, string databasePath, string keyFilePath)
    {
        _database = database;
        DatabasePath = databasePath;
        KeyFilePath = keyFilePath;

        // One lock for every write: the check-then-act operations (unique names, bootstrap, PIN counter)
        // must also be atomic against plain updates of the same records; a backup holds it too.
        var writeLock = new Lock();
        _writeLock = writeLock;
        Identity = new LiteIdentityStore(database, writeLock);
        Meetings = new LiteMeetingStore(database, writeLock);
        Invitations = new LiteInvitationStore(database, writeLock);
        Policies = new LitePolicyStore(database, writeLock);
    }

    /// <summary>Staff accounts, API tokens and the bootstrap grant.</summary>
    public IIdentityStore Identity { get; }

    /// <summary>Booked meetings.</summary>
    public IMeetingStore Meetings { get; }

    /// <summary>Guest invitations.</summary>
    public IInvitationStore Invitations { get; }

    /// <summary>Classification policy versions and pending four-eyes changes.</summary>
    public IPolicyStore Policies { get; }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The file holding the database's encryption key (a backup needs it to be readable).</summary>
    public string KeyFilePath { get; }

    /// <summary>
    /// Copies the database file to <paramref name="destination"/> as one consistent state: writes wait meanwhile, and
    /// LiteDB's log is first checkpointed into the file so that the copy holds every committed change. The copy stays
    /// encrypted with the same key.
    /// </summary>
    public void CopyTo(string destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_writeLock)
        {
            _database.Checkpoint();
            File.Copy(DatabasePath, destination, overwrite: false);
        }
    }

    /// <summary>
    /// Opens the database, creating the data folder, key and database on first start. Throws
    /// <see cref="StorageException"/>, naming the file, when the key or the database cannot be used;
    /// it never replaces or deletes an existing file to get going.
    /// </summary>
    public static ApplianceDatabase Open(StorageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DataDirectory, nameof(options));
        if (string.IsNullOrWhiteSpace(options.DatabaseFileName) || Path.GetFileName(options.DatabaseFileName) != options.DatabaseFileName)
        {
            throw new ArgumentException($"DatabaseFileName must be a bare file name, not '{options.DatabaseFileName}'.", nameof(options));
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var databasePath = Path.Combine(dataDirectory, options.DatabaseFileName);
        var keyPath = Path.GetFullPath(options.KeyFilePath ?? Path.Combine(dataDirectory, DefaultKeyFileName));

        EnsureDataDirectory(dataDirectory);
        if (Directory.Exists(databasePath))
        {
            throw new StorageException($"Database {databasePath} is a folder, not a file; move it away or choose another DatabaseFileName.");
        }

        var databaseExisted = File.Exists(databasePath);
        if (!File.Exists(keyPath))
        {
            if (databaseExisted)
            {
                // A new key would make a new, empty database look like the real one; the data must wait for its key.
                throw new StorageException(
                    $"Database {databasePath} exists but its key file {keyPath} is missing; " +
                    "put back the key file that belongs to this database (from your backup). No new key was created.");
            }

            KeyFile.Create(keyPath);
        }

        var password = KeyFile.ReadPassword(keyPath);
        if (databaseExisted)
        {
            DatabaseFileCheck.Verify(databasePath, keyPath, password);
        }

        LiteDatabase database;
        try
        {
            database = new LiteDatabase(ConnectionFor(databasePath, password, readOnly: false));
        }
#pragma warning disable CA1031 // Whatever LiteDB throws here, the operator needs the file's name.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new StorageException($"Cannot open database {databasePath} for writing ({e.Message}); is another appliance process using it?", e);
        }

        try
        {
            if (!databaseExisted && !OperatingSystem.IsWindows())
            {
                // LiteDB creates the file with the process umask; the content is encrypted, but there is no reason
                // for anyone else to copy it.
                File.SetUnixFileMode(databasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            SchemaMigrations.Run(database, time, databasePath);
            return new ApplianceDatabase(database, databasePath, keyPath);
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Proves, read-only, that a copied database (a backup) opens with the key file beside it, is whole and is not from a
    /// newer build; throws <see cref="StorageException"/> saying why not. Neither file is changed.
    /// </summary>
    public static void CheckCopy(string databasePath, string keyFilePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyFilePath);
        if (!File.Exists(databasePath))
        {
            throw new StorageException($"The database file {databasePath} is missing.");
        }

        if (!File.Exists(keyFilePath))
        {
            throw new StorageException($"The database key file {keyFilePath} is missing.");
        }

        DatabaseFileCheck.Verify(databasePath, keyFilePath, KeyFile.ReadPassword(keyFilePath));
    }

    /// <summary>Where LiteDB keeps the write-ahead log of <paramref name="databasePath"/>; it belongs to that file and moves with it.</summary>
    public static string LogFileOf(string databasePath) => DatabaseFileCheck.LogPathOf(databasePath);

    /// <summary>The size of the database file in bytes (without LiteDB's transient log file).</summary>
    public long FileSizeBytes() => new FileInfo(DatabasePath).Length;

    /// <summary>Performs a cheap read to prove the database answers; on failure says why, for /healthz.</summary>
    public bool CheckHealth(out string? problem)
    {
        if (_disposed)
        {
            problem = $"database {DatabasePath} is closed";
            return false;
        }

        try
        {
            _ = _database.GetCollection(StaffUserMapper.Collection).Query().Limit(1).FirstOrDefault();
            problem = null;
            return true;
        }
#pragma warning disable CA1031 // A health check reports every failure instead of throwing.
        catch (Exception e)
#pragma warning restore CA1031
        {
            problem = $"database {DatabasePath} does not answer: {e.Message}";
            return false;
        }
    }

    /// <summary>Closes the database; LiteDB folds its log back into the file so that it opens cleanly next time.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _database.Dispose();
    }

    internal static ConnectionString ConnectionFor(string databasePath, string password, bool readOnly) => new()
    {
        Filename = databasePath,
        Password = password,

        // Direct: one engine shared by every thread of this process, no cross-process mutex.
        Connection = ConnectionType.Direct,
        ReadOnly = readOnly,

        // Never let LiteDB "rebuild" a damaged file on its own; the operator decides what happens to it.
        AutoRebuild = false,
    };

    internal static void EnsureDataDirectory(string dataDirectory)
    {
        if (Directory.Exists(dataDirectory))
        {
            return;
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dataDirectory);
            }
            else
            {
                Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Cannot create the data folder {dataDirectory}: {e.Message}", e);
        }
    }
}
