using System.Security.Cryptography;

namespace Appliance.Storage;

/// <summary>
/// The file holding the database key: 32 random bytes, base64, readable by the appliance's user only.
/// The key never appears in a message; only the file's path does.
/// </summary>
internal static class KeyFile
{
    public const int KeyLength = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates a new key file with a fresh random key; fails rather than replace an existing one.</summary>
    public static void Create(string path)
    {
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        var temporaryPath = $"{path}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            // Written to a temporary name first and moved into place, so that a crash never leaves a
            // half-written key file that the next start would have to refuse. The mode is set at creation:
            // a chmod afterwards would leave a moment in which others could read the key.
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temporaryPath, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(Convert.ToBase64String(key));
                writer.Write('\n');
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, path, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporaryPath);
            throw new StorageException($"Cannot create the database key file {path}: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Reads the key file, refusing it when others may read it or when it does not hold a key,
    /// and returns the password LiteDB encrypts the database with.
    /// </summary>
    public static string ReadPassword(string path)
    {
        var key = ReadKey(path, "database key file", "Put back the key file that belongs to this database (from your backup).");
        try
        {
            // LiteDB derives its AES key from a password string; the hex form of the key serves as that password.
            return Convert.ToHexString(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Reads a key file of <see cref="KeyLength"/> random bytes (as <see cref="Create"/> writes it), refusing it when
    /// others may read it or when it does not hold a key; the caller zeroes the returned bytes when done.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="description">What the file is, for messages ("audit signing key file").</param>
    /// <param name="remedy">What the operator should do when the file holds no key.</param>
    public static byte[] ReadKey(string path, string description, string remedy = "Put back the key file from your backup.")
    {
        RefuseOpenPermissions(path, description);

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Cannot read the {description} {path}: {e.Message}", e);
        }

        var key = new byte[KeyLength];
        if (!Convert.TryFromBase64String(text.Trim(), key, out var written) || written != KeyLength)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new StorageException($"The {description} {path} does not hold a key: it must contain exactly {KeyLength} bytes in base64. {remedy}");
        }

        return key;
    }

    private static void RefuseOpenPermissions(string path, string description)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & ~OwnerOnly) != 0)
            {
                throw new StorageException(
                    $"The {description} {path} has permissions {Convert.ToString((int)mode, 8)}, which let others read or run it; " +
                    $"run `chmod 600 {path}` and start the appliance again.");
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a temporary file holding an unused key; failing to remove it must not hide the real error.
        }
    }
}
