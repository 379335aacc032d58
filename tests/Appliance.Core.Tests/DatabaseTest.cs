using Appliance.Storage;

namespace Appliance.Core.Tests;

/// <summary>
/// A base for tests over the real LiteDB stores: a fresh data folder and database per test, a clock that only moves
/// when the test moves it, and everything removed afterwards.
/// </summary>
public abstract class DatabaseTest
{
    private string? _directory;
    private ApplianceDatabase? _database;

    internal FakeTimeProvider Time { get; private set; } = null!;

    protected ApplianceDatabase Database => _database ?? throw new InvalidOperationException("The database is not open.");

    [SetUp]
    public void OpenDatabase()
    {
        _directory = Path.Combine(Path.GetTempPath(), "appliance-core-tests-" + Guid.NewGuid().ToString("N"));
        Time = new FakeTimeProvider();
        _database = ApplianceDatabase.Open(new StorageOptions { DataDirectory = _directory }, Time);
    }

    [TearDown]
    public void CloseDatabase()
    {
        _database?.Dispose();
        _database = null;
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _directory = null;
    }
}
