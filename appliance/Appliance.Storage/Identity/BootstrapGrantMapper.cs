using Appliance.Core.Identity;
using LiteDB;

namespace Appliance.Storage.Identity;

/// <summary>Maps the single <see cref="BootstrapGrant"/> to and from its stored document.</summary>
internal static class BootstrapGrantMapper
{
    public const string Collection = "bootstrap";

    /// <summary>There is at most one grant, so it always has this id.</summary>
    public const string GrantId = "grant";

    public static BsonDocument ToDocument(BootstrapGrant grant) => new()
    {
        ["_id"] = GrantId,
        ["tokenHash"] = grant.TokenHash,
        ["expiresAt"] = BsonFields.Time(grant.ExpiresAt),
    };

    public static BootstrapGrant FromDocument(BsonDocument document) =>
        new(BsonFields.ReadString(document, "tokenHash"), BsonFields.ReadTime(document, "expiresAt"));
}
