using Appliance.Storage.Schema;
using LiteDB;

namespace Appliance.Storage;

/// <summary>
/// Proves that an existing database file is whole, opens with our key and is not from a newer build — before
/// it is opened for writing. This matters because LiteDB "repairs" what it does not understand: it silently
/// turns a file shorter than two pages into a new empty database, trims a file that is not a whole number of
/// pages (even when opened read-only), and marks a file it finds damaged as such in its header. Each of those
/// would destroy the evidence an operator needs, so we refuse first and touch nothing.
/// </summary>
internal static class DatabaseFileCheck
{
    /// <summary>LiteDB 5's page size.</summary>
    private const long PageSize = 8192;

    /// <summary>An encrypted LiteDB file is at least its encryption header page plus its own header page.</summary>
    private const long MinimumLength = 2 * PageSize;

    public static void Verify(string databasePath, string keyPath, string password)
    {
        const string Unchanged = "The file has been left unchanged; restore it from a backup (with its key file) to start the appliance.";
        long length;
        try
        {
            length = new FileInfo(databasePath).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Cannot read database {databasePath}: {e.Message}", e);
        }

        if (length < MinimumLength)
        {
            throw new StorageException(
                $"Database {databasePath} is {length} bytes, too short to be an appliance database: it is truncated or not a database file. {Unchanged}");
        }

        // A pending log can legitimately complete a partially written last page, so only refuse a
        // ragged length when there is no log to repair it from.
        if (length % PageSize != 0 && !File.Exists(LogPathOf(databasePath)))
        {
            throw new StorageException(
                $"Database {databasePath} is {length} bytes, not a whole number of {PageSize}-byte pages: it is truncated or damaged. {Unchanged}");
        }

        try
        {
            using var database = new LiteDatabase(ApplianceDatabase.ConnectionFor(databasePath, password, readOnly: true));
            var version = database.UserVersion;
            if (version > ApplianceDatabase.SchemaVersion)
            {
                throw new StorageException(SchemaMigrations.TooNewMessage(databasePath, version));
            }

            // Reading every document and walking each collection's primary index proves the pages are there;
            // LiteDB itself only reads the header on open, so a truncated file would otherwise open "fine".
            foreach (var name in database.GetCollectionNames())
            {
                var collection = database.GetCollection(name);
                _ = collection.Count();
                foreach (var document in collection.FindAll())
                {
                    _ = document;
                }
            }
        }
        catch (StorageException)
        {
            throw;
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INVALID_PASSWORD)
        {
            throw new StorageException(
                $"Database {databasePath} cannot be decrypted with the key in {keyPath}: the key file belongs to another database, " +
                $"or the database file is damaged. {Unchanged}",
                e);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.NOT_ENCRYPTED)
        {
            throw new StorageException(
                $"Database {databasePath} is not an encrypted appliance database: it is damaged or not a database file. {Unchanged}",
                e);
        }
#pragma warning disable CA1031 // LiteDB reports damage as anything from LiteException to NullReferenceException.
        catch (Exception e)
#pragma warning restore CA1031
        {
            throw new StorageException($"Database {databasePath} cannot be read ({e.Message}): it is damaged or truncated. {Unchanged}", e);
        }
    }

    /// <summary>Where LiteDB keeps its write-ahead log for a data file.</summary>
    public static string LogPathOf(string databasePath) =>
        Path.Combine(
            Path.GetDirectoryName(databasePath) ?? string.Empty,
            $"{Path.GetFileNameWithoutExtension(databasePath)}-log{Path.GetExtension(databasePath)}");
}
