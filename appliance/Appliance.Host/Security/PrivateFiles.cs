namespace Appliance.Host.Security;

/// <summary>Files and folders only the appliance's own user may read: keys, certificates, the bootstrap link.</summary>
public static class PrivateFiles
{
    /// <summary>Creates (if needed) a folder with mode 0700 and returns it.</summary>
    public static DirectoryInfo CreateDirectory(string path) =>
        OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Writes a file that is created with mode 0600, never readable by others even for a moment.</summary>
    public static void Write(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
