using System.Text.Json;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// The shared test vectors in tests/testdata (their sources are named beside them), read from the source tree: the same
/// files the C# implementation is tested against, so both sides answer to one set of data.
/// </summary>
internal static class TestVectors
{
    public static string ReadText(params string[] path)
    {
        // Walk up from bin/<configuration>/<framework> to the repository root.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Appliance.sln")))
            {
                return File.ReadAllText(Path.Combine([directory.FullName, "tests", "testdata", .. path]));
            }
        }

        throw new FileNotFoundException($"Appliance.sln not found above {AppContext.BaseDirectory}.");
    }

    public static JsonDocument Read(params string[] path) => JsonDocument.Parse(ReadText(path));
}
