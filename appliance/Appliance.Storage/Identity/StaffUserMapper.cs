using Appliance.Core.Identity;
using LiteDB;

namespace Appliance.Storage.Identity;

/// <summary>Maps <see cref="StaffUser"/> to and from its stored document, field by field.</summary>
internal static class StaffUserMapper
{
    public const string Collection = "users";

    /// <summary>The lower-cased user name, kept in its own field so that the unique index is case-insensitive.</summary>
    public const string UserNameKey = "userNameKey";

    public static string KeyOf(string userName) => userName.ToLowerInvariant();

    public static BsonDocument ToDocument(StaffUser user) => new()
    {
        ["_id"] = user.Id,
        ["userName"] = user.UserName,
        [UserNameKey] = KeyOf(user.UserName),
        ["displayName"] = user.DisplayName,
        ["roles"] = BsonFields.Enum(user.Roles),
        ["passwordHash"] = user.PasswordHash,
        ["totpSecret"] = BsonFields.Binary(user.TotpSecret),
        ["totpEnabled"] = user.TotpEnabled,
        ["totpLastStep"] = new BsonValue(user.TotpLastStep),
        ["failedSignIns"] = user.FailedSignIns,
        ["lockedUntil"] = BsonFields.Time(user.LockedUntil),
        ["disabled"] = user.Disabled,
        ["securityStamp"] = user.SecurityStamp,
        ["createdAt"] = BsonFields.Time(user.CreatedAt),
        ["lastSignInAt"] = BsonFields.Time(user.LastSignInAt),
        ["externalIssuer"] = BsonFields.Text(user.ExternalIssuer),
        ["externalSubject"] = BsonFields.Text(user.ExternalSubject),
    };

    public static StaffUser FromDocument(BsonDocument document) => new()
    {
        Id = BsonFields.ReadString(document, "_id"),
        UserName = BsonFields.ReadString(document, "userName"),
        DisplayName = BsonFields.ReadString(document, "displayName"),
        Roles = BsonFields.ReadEnum<StaffRoles>(document, "roles"),
        PasswordHash = BsonFields.ReadString(document, "passwordHash"),
        TotpSecret = BsonFields.ReadOptionalBinary(document, "totpSecret"),
        TotpEnabled = BsonFields.ReadBoolean(document, "totpEnabled"),
        TotpLastStep = BsonFields.ReadInt64(document, "totpLastStep"),
        FailedSignIns = BsonFields.ReadInt32(document, "failedSignIns"),
        LockedUntil = BsonFields.ReadOptionalTime(document, "lockedUntil"),
        Disabled = BsonFields.ReadBoolean(document, "disabled"),
        SecurityStamp = BsonFields.ReadString(document, "securityStamp"),
        CreatedAt = BsonFields.ReadTime(document, "createdAt"),
        LastSignInAt = BsonFields.ReadOptionalTime(document, "lastSignInAt"),
        // Absent in documents written before OIDC existed: those are local accounts.
        ExternalIssuer = BsonFields.ReadOptionalString(document, "externalIssuer"),
        ExternalSubject = BsonFields.ReadOptionalString(document, "externalSubject"),
    };
}
