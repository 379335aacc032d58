using Appliance.Core.Invitations;
using LiteDB;

namespace Appliance.Storage.Invitations;

/// <summary>Maps <see cref="Invitation"/> to and from its stored document.</summary>
internal static class InvitationMapper
{
    public const string Collection = "invitations";

    public const string FailedPinAttempts = "failedPinAttempts";

    public static BsonDocument ToDocument(Invitation invitation) => new()
    {
        ["_id"] = invitation.Id,
        ["meetingId"] = invitation.MeetingId,
        ["guestName"] = invitation.GuestName,
        ["tokenHash"] = invitation.TokenHash,
        ["expiresAt"] = BsonFields.Time(invitation.ExpiresAt),
        ["pinHash"] = BsonFields.Text(invitation.PinHash),
        [FailedPinAttempts] = invitation.FailedPinAttempts,
        ["createdBy"] = invitation.CreatedBy,
        ["createdAt"] = BsonFields.Time(invitation.CreatedAt),
        ["revokedAt"] = BsonFields.Time(invitation.RevokedAt),
    };

    public static Invitation FromDocument(BsonDocument document) => new()
    {
        Id = BsonFields.ReadString(document, "_id"),
        MeetingId = BsonFields.ReadString(document, "meetingId"),
        GuestName = BsonFields.ReadString(document, "guestName"),
        TokenHash = BsonFields.ReadString(document, "tokenHash"),
        ExpiresAt = BsonFields.ReadTime(document, "expiresAt"),
        PinHash = BsonFields.ReadOptionalString(document, "pinHash"),
        FailedPinAttempts = BsonFields.ReadInt32(document, FailedPinAttempts),
        CreatedBy = BsonFields.ReadString(document, "createdBy"),
        CreatedAt = BsonFields.ReadTime(document, "createdAt"),
        RevokedAt = BsonFields.ReadOptionalTime(document, "revokedAt"),
    };
}
