using Appliance.Core.Identity;
using LiteDB;

namespace Appliance.Storage.Identity;

/// <summary>Maps <see cref="ApiToken"/> to and from its stored document.</summary>
internal static class ApiTokenMapper
{
    public const string Collection = "apiTokens";

    public static BsonDocument ToDocument(ApiToken token) => new()
    {
        ["_id"] = token.Id,
        ["userId"] = token.UserId,
        ["name"] = token.Name,
        ["tokenHash"] = token.TokenHash,
        ["createdAt"] = BsonFields.Time(token.CreatedAt),
        ["expiresAt"] = BsonFields.Time(token.ExpiresAt),
        ["revokedAt"] = BsonFields.Time(token.RevokedAt),
    };

    public static ApiToken FromDocument(BsonDocument document) => new()
    {
        Id = BsonFields.ReadString(document, "_id"),
        UserId = BsonFields.ReadString(document, "userId"),
        Name = BsonFields.ReadString(document, "name"),
        TokenHash = BsonFields.ReadString(document, "tokenHash"),
        CreatedAt = BsonFields.ReadTime(document, "createdAt"),
        ExpiresAt = BsonFields.ReadTime(document, "expiresAt"),
        RevokedAt = BsonFields.ReadOptionalTime(document, "revokedAt"),
    };
}
