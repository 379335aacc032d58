using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace Appliance.Storage.Tests;

public sealed class ApplianceDatabaseTests : StorageTestBase
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public async Task Data_is_there_after_dispose_and_reopen()
    {
        using (var first = ApplianceDatabase.Open(Options, TimeProvider.System))
        {
            Assert.That(await first.Identity.TryAddUserAsync(TestData.User("u1", "alice")), Is.True);
            await first.Meetings.AddAsync(TestData.Meeting("m1", "u1"));
            await first.Invitations.AddAsync(TestData.Invitation("i1", "m1"));
        }

        // Dispose folds LiteDB's log back into the file, so a copy of the folder is a complete backup.
        Assert.That(Directory.GetFiles(DataDirectory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "appliance.db", "appliance.key" }));
        var second = Open();
        Assert.Multiple(async () =>
        {
            Assert.That((await second.Identity.FindUserByIdAsync("u1"))?.UserName, Is.EqualTo("alice"));
            Assert.That((await second.Meetings.FindAsync("m1"))?.OrganiserId, Is.EqualTo("u1"));
            Assert.That((await second.Invitations.FindAsync("i1"))?.MeetingId, Is.EqualTo("m1"));
        });
    }

    [Test]
    public void The_data_folder_is_created_for_the_owner_only()
    {
        var nested = Path.Combine(Root, "a", "b", "data");
        var database = Open(new StorageOptions { DataDirectory = nested });

        Assert.That(Directory.Exists(nested), Is.True);
        Assert.That(database.DatabasePath, Is.EqualTo(Path.Combine(nested, "appliance.db")));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.That(File.GetUnixFileMode(nested), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public void First_start_creates_a_32_byte_key_file_readable_by_the_owner_only()
    {
        Open();

        var key = Convert.FromBase64String(File.ReadAllText(KeyPath).Trim());
        Assert.That(key, Has.Length.EqualTo(32));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.That(File.GetUnixFileMode(KeyPath), Is.EqualTo(OwnerReadWrite));
        Assert.That(Directory.GetFiles(DataDirectory, "*.tmp"), Is.Empty);
    }

    [Test]
    public void Two_first_starts_get_different_keys()
    {
        Open();
        var other = new StorageOptions { DataDirectory = Path.Combine(Root, "other") };
        Open(other);

        Assert.That(File.ReadAllText(Path.Combine(Root, "other", "appliance.key")), Is.Not.EqualTo(File.ReadAllText(KeyPath)));
    }

    [Test]
    public async Task The_database_file_is_encrypted()
    {
        const string Marker = "Unmistakable-Display-Name-4711";
        using (var database = ApplianceDatabase.Open(Options, TimeProvider.System))
        {
            await database.Identity.TryAddUserAsync(TestData.User("u1", "alice") with { DisplayName = Marker });
        }

        var bytes = File.ReadAllBytes(DatabasePath);
        Assert.That(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)), Is.EqualTo(-1));
        Assert.That(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Marker)), Is.EqualTo(-1));
        Assert.That(() => new LiteDatabase($"Filename={DatabasePath};Connection=direct;ReadOnly=true").Dispose(), Throws.InstanceOf<LiteException>());
    }

    [Test]
    public async Task A_key_file_given_before_first_start_is_used_and_kept()
    {
        var keyPath = Path.Combine(Root, "credentials", "db.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
        WriteKeyFile(keyPath, RandomNumberGenerator.GetBytes(32));
        var before = File.ReadAllText(keyPath);
        var options = new StorageOptions { DataDirectory = DataDirectory, KeyFilePath = keyPath };

        using (var database = ApplianceDatabase.Open(options, TimeProvider.System))
        {
            await database.Identity.TryAddUserAsync(TestData.User("u1", "alice"));
        }

        Assert.That(File.ReadAllText(keyPath), Is.EqualTo(before));
        Assert.That(File.Exists(KeyPath), Is.False);
        Assert.That(await Open(options).Identity.CountUsersAsync(), Is.EqualTo(1));
    }

    [Test]
    public void A_key_file_others_can_read_is_refused_with_the_chmod_to_run()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        Open().Dispose();
        File.SetUnixFileMode(KeyPath, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<StorageException>(() => Open());
        Assert.That(error.Message, Does.Contain($"chmod 600 {KeyPath}"));
        Assert.That(error.Message, Does.Contain("644"));
    }

    [Test]
    public void A_read_only_key_file_for_the_owner_is_accepted()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        Open().Dispose();
        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead);

        Assert.That(Open().CheckHealth(out _), Is.True);
    }

    [Test]
    public async Task A_missing_key_with_an_existing_database_is_refused_naming_both_files_and_no_key_is_made()
    {
        var before = await CreateClosedDatabaseAsync(meetings: 1);
        File.Delete(KeyPath);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath).And.Contain(KeyPath));
        Assert.That(File.Exists(KeyPath), Is.False);
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(before));
    }

    [TestCase("not base64 at all!")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAA==")]
    [TestCase("")]
    public async Task A_key_file_that_holds_no_32_byte_key_is_refused_naming_it(string content)
    {
        var before = await CreateClosedDatabaseAsync(meetings: 1);
        File.WriteAllText(KeyPath, content);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(KeyPath));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(before));
    }

    [Test]
    public async Task A_wrong_key_is_refused_naming_the_database_and_the_key_and_leaves_the_file_unchanged()
    {
        var before = await CreateClosedDatabaseAsync(meetings: 1);
        File.Delete(KeyPath);
        WriteKeyFile(KeyPath, RandomNumberGenerator.GetBytes(32));

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath).And.Contain(KeyPath));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(before));
    }

    [TestCase(0)]
    [TestCase(1)]
    public async Task A_file_of_random_bytes_is_refused_and_left_unchanged(int firstByte)
    {
        // LiteDB reads the first byte as "encrypted or not"; both answers must end in a refusal.
        var real = await CreateClosedDatabaseAsync(meetings: 1);
        var garbage = RandomNumberGenerator.GetBytes(real.Length);
        garbage[0] = (byte)firstByte;
        File.WriteAllBytes(DatabasePath, garbage);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(garbage));
        Assert.That(File.Exists(DatabaseFileCheck.LogPathOf(DatabasePath)), Is.False);
    }

    [Test]
    public async Task A_text_file_in_place_of_the_database_is_refused_and_left_unchanged()
    {
        await CreateClosedDatabaseAsync(meetings: 1);
        File.WriteAllText(DatabasePath, "this is not a database\n");
        var before = File.ReadAllBytes(DatabasePath);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(before));
    }

    [TestCase(0.5, 0)]
    [TestCase(0.5, 1000)]
    [TestCase(0.25, 0)]
    [TestCase(0.0, 16384)]
    [TestCase(0.0, 8192)]
    [TestCase(0.0, 100)]
    [TestCase(0.0, 0)]
    public async Task A_truncated_database_is_refused_and_left_unchanged(double fraction, int extraBytes)
    {
        // Cuts on a page boundary pass LiteDB's open and are only found by reading; the others LiteDB would
        // otherwise "repair" by trimming the file or by starting a new empty database in its place.
        var real = await CreateClosedDatabaseAsync();
        var length = ((long)(real.Length * fraction) / 8192 * 8192) + extraBytes;
        var truncated = real.AsSpan(0, (int)length).ToArray();
        File.WriteAllBytes(DatabasePath, truncated);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(truncated));
    }

    [Test]
    public void Health_is_good_while_open_and_bad_after_dispose()
    {
        var database = Open();

        Assert.That(database.CheckHealth(out var problem), Is.True);
        Assert.That(problem, Is.Null);

        database.Dispose();
        Assert.That(database.CheckHealth(out problem), Is.False);
        Assert.That(problem, Does.Contain(DatabasePath));
    }

    [Test]
    public async Task File_size_is_the_database_file_length()
    {
        var database = Open();
        await database.Meetings.AddAsync(TestData.Meeting("m1", "u1"));

        Assert.That(database.FileSizeBytes(), Is.EqualTo(new FileInfo(DatabasePath).Length).And.GreaterThan(0));
    }

    [Test]
    public void A_database_file_name_with_a_folder_in_it_is_refused()
    {
        var options = new StorageOptions { DataDirectory = DataDirectory, DatabaseFileName = "../elsewhere.db" };

        Assert.That(() => Open(options), Throws.ArgumentException);
    }

    private static void WriteKeyFile(string path, byte[] key)
    {
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
        }
    }
}
