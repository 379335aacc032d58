namespace Appliance.Host.Tests.Infrastructure;

/// <summary>Data folders a fixture makes for appliances it starts and stops itself, removed when it is done.</summary>
public sealed class TemporaryFolders(string prefix)
{
    private readonly List<string> _folders = [];

    /// <summary>A new folder's path (not created: the appliance creates it).</summary>
    public string New()
    {
        var folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        return folder;
    }

    /// <summary>Removes every folder made.</summary>
    public void RemoveAll()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being flushed; the temp folder is cleaned by the OS eventually.
            }
        }
    }

    /// <summary>A file's or folder's Unix mode (nothing on Windows, where the tests that ask are not run).</summary>
    public static UnixFileMode Mode(string path) => OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path);
}
