using LiteDB;

namespace Appliance.Storage.Tests.Schema;

public sealed class SchemaMigrationsTests : StorageTestBase
{
    [Test]
    public void A_new_database_records_the_current_schema_version_and_its_indexes()
    {
        Open().Dispose();

        var raw = OpenRaw();
        Assert.That(raw.UserVersion, Is.EqualTo(ApplianceDatabase.SchemaVersion));
        Assert.That(IndexesOf(raw), Is.SupersetOf(new[]
        {
            "users.userNameKey.unique",
            "apiTokens.tokenHash.unique",
            "apiTokens.userId",
            "meetings.organiserId",
            "invitations.tokenHash.unique",
            "invitations.meetingId",
        }));
    }

    [Test]
    public async Task A_database_from_a_newer_build_is_refused_naming_its_version_and_left_unchanged()
    {
        await CreateClosedDatabaseAsync(meetings: 1);
        using (var raw = OpenRaw())
        {
            raw.UserVersion = 99;
        }

        var before = File.ReadAllBytes(DatabasePath);

        var error = Assert.Throws<StorageException>(() => Open());

        Assert.That(error.Message, Does.Contain(DatabasePath).And.Contain("99").And.Contain($"up to {ApplianceDatabase.SchemaVersion}"));
        Assert.That(File.ReadAllBytes(DatabasePath), Is.EqualTo(before));
    }

    [Test]
    public async Task A_database_at_an_older_version_is_migrated_and_keeps_its_data()
    {
        await CreateClosedDatabaseAsync(meetings: 3);
        using (var raw = OpenRaw())
        {
            raw.UserVersion = 0;
            raw.GetCollection("users").DropIndex("userNameKey");
        }

        using (var database = ApplianceDatabase.Open(Options, TimeProvider.System))
        {
            Assert.That(await database.Meetings.CountAsync(), Is.EqualTo(3));
        }

        var reopened = OpenRaw();
        Assert.That(reopened.UserVersion, Is.EqualTo(ApplianceDatabase.SchemaVersion));
        Assert.That(IndexesOf(reopened), Does.Contain("users.userNameKey.unique"));
    }

    private static List<string> IndexesOf(LiteDatabase database) =>
        [.. database.GetCollection("$indexes").FindAll().Select(i => $"{i["collection"].AsString}.{i["name"].AsString}{(i["unique"].AsBoolean ? ".unique" : string.Empty)}")];
}
