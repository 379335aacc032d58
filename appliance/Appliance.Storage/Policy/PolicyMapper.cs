using Appliance.Core.Policy;
using LiteDB;

namespace Appliance.Storage.Policy;

/// <summary>
/// Maps policy versions and pending changes to stored documents. The set itself is kept as the JSON that
/// <see cref="PolicyJson"/> writes, so the stored form and the export form are one and validated the same way.
/// </summary>
internal static class PolicyMapper
{
    public const string Versions = "policyVersions";

    public const string Pending = "policyPending";

    public static BsonDocument ToDocument(PolicyVersion version) => new()
    {
        ["_id"] = version.Version,
        ["set"] = PolicyJson.Serialize(version.Set),
        ["kind"] = BsonFields.Enum(version.Kind),
        ["appliedAt"] = BsonFields.Time(version.AppliedAt),
        ["proposedBy"] = version.ProposedBy,
        ["approvedBy"] = BsonFields.Text(version.ApprovedBy),
        ["changes"] = Changes(version.Changes),
        ["comment"] = BsonFields.Text(version.Comment),
    };

    public static PolicyVersion VersionFrom(BsonDocument document) => new(
        PolicyJson.Deserialize(BsonFields.ReadString(document, "set")),
        BsonFields.ReadEnum<PolicyVersionKind>(document, "kind"),
        BsonFields.ReadTime(document, "appliedAt"),
        BsonFields.ReadString(document, "proposedBy"),
        BsonFields.ReadOptionalString(document, "approvedBy"),
        Changes(document),
        BsonFields.ReadOptionalString(document, "comment"));

    public static BsonDocument ToDocument(PendingPolicyChange pending) => new()
    {
        ["_id"] = pending.Id,
        ["baseVersion"] = pending.BaseVersion,
        ["proposed"] = PolicyJson.Serialize(pending.Proposed),
        ["changes"] = Changes(pending.Changes),
        ["proposedBy"] = pending.ProposedBy,
        ["proposedAt"] = BsonFields.Time(pending.ProposedAt),
        ["comment"] = BsonFields.Text(pending.Comment),
        ["status"] = BsonFields.Enum(pending.Status),
        ["resolvedBy"] = BsonFields.Text(pending.ResolvedBy),
        ["resolvedAt"] = BsonFields.Time(pending.ResolvedAt),
    };

    public static PendingPolicyChange PendingFrom(BsonDocument document) => new(
        BsonFields.ReadString(document, "_id"),
        BsonFields.ReadInt32(document, "baseVersion"),
        PolicyJson.Deserialize(BsonFields.ReadString(document, "proposed")),
        Changes(document),
        BsonFields.ReadString(document, "proposedBy"),
        BsonFields.ReadTime(document, "proposedAt"),
        BsonFields.ReadOptionalString(document, "comment"),
        BsonFields.ReadEnum<PendingStatus>(document, "status"),
        BsonFields.ReadOptionalString(document, "resolvedBy"),
        BsonFields.ReadOptionalTime(document, "resolvedAt"));

    private static BsonArray Changes(IEnumerable<ControlChange> changes) =>
        new(changes.Select(c => (BsonValue)new BsonDocument
        {
            ["level"] = c.LevelId,
            ["control"] = BsonFields.Enum(c.Control),
            ["direction"] = BsonFields.Enum(c.Direction),
            ["before"] = c.Before,
            ["after"] = c.After,
        }));

    private static IReadOnlyList<ControlChange> Changes(BsonDocument document) =>
    [
        .. document["changes"].AsArray.Select(v => v.AsDocument).Select(c => new ControlChange(
            BsonFields.ReadString(c, "level"),
            BsonFields.ReadEnum<PolicyControl>(c, "control"),
            BsonFields.ReadEnum<ChangeDirection>(c, "direction"),
            BsonFields.ReadString(c, "before"),
            BsonFields.ReadString(c, "after"))),
    ];
}
