using Appliance.Storage.Identity;
using Appliance.Storage.Invitations;
using Appliance.Storage.Meetings;
using LiteDB;

namespace Appliance.Storage.Schema;

/// <summary>
/// Brings a database up to <see cref="ApplianceDatabase.SchemaVersion"/>, one step at a time, recording each
/// step in LiteDB's user_version so that a step never runs twice and a newer file is never touched.
/// </summary>
internal static class SchemaMigrations
{
    private const string HistoryCollection = "schemaHistory";

    /// <summary>Each step moves the database from <c>From</c> to <c>From + 1</c>; steps must be safe to repeat.</summary>
    private static readonly (int From, string Description, Action<LiteDatabase> Apply)[] Steps =
    [
        (0, "collections and indexes", CreateIndexes),
    ];

    public static string TooNewMessage(string databasePath, int version) =>
        $"Database {databasePath} has schema version {version}, this build understands up to {ApplianceDatabase.SchemaVersion}; " +
        "refusing to start to avoid corrupting data — install the newer version or restore a backup.";

    public static void Run(LiteDatabase database, TimeProvider time, string databasePath)
    {
        var version = database.UserVersion;
        if (version > ApplianceDatabase.SchemaVersion)
        {
            throw new StorageException(TooNewMessage(databasePath, version));
        }

        while (version < ApplianceDatabase.SchemaVersion)
        {
            var step = Array.Find(Steps, s => s.From == version);
            if (step.Apply is null)
            {
                throw new StorageException($"Database {databasePath} has schema version {version}, for which this build has no migration; restore a backup.");
            }

            step.Apply(database);
            database.GetCollection(HistoryCollection).Upsert(new BsonDocument
            {
                ["_id"] = version + 1,
                ["description"] = step.Description,
                ["appliedAt"] = BsonFields.Time(time.GetUtcNow()),
            });

            // Recorded only after the step succeeded, so an interrupted migration runs again on the next start.
            version++;
            database.UserVersion = version;
        }
    }

    private static void CreateIndexes(LiteDatabase database)
    {
        var users = database.GetCollection(StaffUserMapper.Collection);
        users.EnsureIndex(StaffUserMapper.UserNameKey, "$." + StaffUserMapper.UserNameKey, unique: true);

        var tokens = database.GetCollection(ApiTokenMapper.Collection);
        tokens.EnsureIndex("tokenHash", "$.tokenHash", unique: true);
        tokens.EnsureIndex("userId", "$.userId");

        database.GetCollection(MeetingMapper.Collection).EnsureIndex("organiserId", "$.organiserId");

        var invitations = database.GetCollection(InvitationMapper.Collection);
        invitations.EnsureIndex("tokenHash", "$.tokenHash", unique: true);
        invitations.EnsureIndex("meetingId", "$.meetingId");
    }
}
