using LiteDB;

namespace Appliance.Storage.Tests;

/// <summary>Gives each test its own data folder, and closes and removes everything it opened.</summary>
public abstract class StorageTestBase
{
    private readonly List<IDisposable> _opened = [];

    protected string Root { get; private set; } = string.Empty;

    protected string DataDirectory => Path.Combine(Root, "data");

    protected string DatabasePath => Path.Combine(DataDirectory, "appliance.db");

    protected string KeyPath => Path.Combine(DataDirectory, "appliance.key");

    protected StorageOptions Options => new() { DataDirectory = DataDirectory };

    [SetUp]
    public void CreateDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "appliance-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        foreach (var opened in _opened)
        {
            opened.Dispose();
        }

        _opened.Clear();
        Directory.Delete(Root, recursive: true);
    }

    protected ApplianceDatabase Open(StorageOptions? options = null)
    {
        var database = ApplianceDatabase.Open(options ?? Options, TimeProvider.System);
        _opened.Add(database);
        return database;
    }

    /// <summary>Opens the file with LiteDB itself, with the key the appliance uses, to do what the appliance never would.</summary>
    protected LiteDatabase OpenRaw()
    {
        var raw = new LiteDatabase(ApplianceDatabase.ConnectionFor(DatabasePath, KeyFile.ReadPassword(KeyPath), readOnly: false));
        _opened.Add(raw);
        return raw;
    }

    /// <summary>Creates a database holding some data, closed again, and returns its bytes.</summary>
    protected async Task<byte[]> CreateClosedDatabaseAsync(int meetings = 200)
    {
        using (var database = ApplianceDatabase.Open(Options, TimeProvider.System))
        {
            Assert.That(await database.Identity.TryAddUserAsync(TestData.User("u1", "alice")), Is.True);
            for (var i = 0; i < meetings; i++)
            {
                await database.Meetings.AddAsync(TestData.Meeting($"m{i}", "u1") with { Agenda = new string('a', 400) });
            }
        }

        return File.ReadAllBytes(DatabasePath);
    }
}
