using Appliance.Core.Meetings;
using LiteDB;

namespace Appliance.Storage.Meetings;

/// <summary>Maps <see cref="Meeting"/> (with its participant list) to and from its stored document.</summary>
internal static class MeetingMapper
{
    public const string Collection = "meetings";

    public static BsonDocument ToDocument(Meeting meeting) => new()
    {
        ["_id"] = meeting.Id,
        ["title"] = meeting.Title,
        ["startsAt"] = BsonFields.Time(meeting.StartsAt),
        ["endsAt"] = BsonFields.Time(meeting.EndsAt),
        ["agenda"] = BsonFields.Text(meeting.Agenda),
        ["classificationId"] = meeting.ClassificationId,
        ["organiserId"] = meeting.OrganiserId,
        ["organiserName"] = meeting.OrganiserName,
        ["participants"] = new BsonArray(meeting.Participants.Select(ToDocument)),
        ["status"] = BsonFields.Enum(meeting.Status),
        ["createdAt"] = BsonFields.Time(meeting.CreatedAt),
        ["cancelledAt"] = BsonFields.Time(meeting.CancelledAt),
        ["policyVersion"] = meeting.PolicyVersion,
    };

    public static Meeting FromDocument(BsonDocument document) => new()
    {
        Id = BsonFields.ReadString(document, "_id"),
        Title = BsonFields.ReadString(document, "title"),
        StartsAt = BsonFields.ReadTime(document, "startsAt"),
        EndsAt = BsonFields.ReadTime(document, "endsAt"),
        Agenda = BsonFields.ReadOptionalString(document, "agenda"),
        ClassificationId = BsonFields.ReadString(document, "classificationId"),
        OrganiserId = BsonFields.ReadString(document, "organiserId"),
        OrganiserName = BsonFields.ReadString(document, "organiserName"),
        Participants = ReadParticipants(document),
        Status = BsonFields.ReadEnum<MeetingStatus>(document, "status"),
        CreatedAt = BsonFields.ReadTime(document, "createdAt"),
        CancelledAt = BsonFields.ReadOptionalTime(document, "cancelledAt"),
        // Meetings stored before policy versions existed were booked under the installed policy.
        PolicyVersion = document["policyVersion"].IsInt32 ? document["policyVersion"].AsInt32 : 1,
    };

    private static BsonDocument ToDocument(MeetingParticipant participant) => new()
    {
        ["name"] = participant.Name,
        ["role"] = BsonFields.Enum(participant.Role),
        ["email"] = BsonFields.Text(participant.Email),
    };

    private static MeetingParticipant[] ReadParticipants(BsonDocument document)
    {
        var value = document["participants"];
        if (value.IsNull)
        {
            return [];
        }

        if (!value.IsArray)
        {
            throw new InvalidDataException($"Stored meeting {document["_id"]} has a participants field that is not a list.");
        }

        return
        [
            .. value.AsArray.Select(item => item.IsDocument
                ? new MeetingParticipant(
                    BsonFields.ReadString(item.AsDocument, "name"),
                    BsonFields.ReadEnum<ParticipantRole>(item.AsDocument, "role"),
                    BsonFields.ReadOptionalString(item.AsDocument, "email"))
                : throw new InvalidDataException($"Stored meeting {document["_id"]} has a participant that is not a document.")),
        ];
    }
}
