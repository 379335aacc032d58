using LiteDB;

namespace Appliance.Storage;

/// <summary>
/// Reads and writes field values in one agreed representation. Times are stored as UTC ticks (Int64) rather
/// than BSON dates, because BSON dates keep only milliseconds and a record read back must equal the one written.
/// The offset is not kept: every time comes back in UTC, equal as an instant.
/// </summary>
internal static class BsonFields
{
    public static BsonValue Time(DateTimeOffset value) => new(value.UtcTicks);

    public static BsonValue Time(DateTimeOffset? value) => value is { } v ? Time(v) : BsonValue.Null;

    public static BsonValue Text(string? value) => value is null ? BsonValue.Null : new BsonValue(value);

    public static BsonValue Binary(byte[]? value) => value is null ? BsonValue.Null : new BsonValue(value);

    public static BsonValue Enum<T>(T value)
        where T : struct, Enum => new(value.ToString());

    public static string ReadString(BsonDocument document, string field) =>
        ReadOptionalString(document, field) ?? throw Missing(document, field);

    public static string? ReadOptionalString(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsNull ? null : value.IsString ? value.AsString : throw WrongType(document, field);
    }

    public static DateTimeOffset ReadTime(BsonDocument document, string field) =>
        ReadOptionalTime(document, field) ?? throw Missing(document, field);

    public static DateTimeOffset? ReadOptionalTime(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsNull ? null : value.IsInt64 ? new DateTimeOffset(value.AsInt64, TimeSpan.Zero) : throw WrongType(document, field);
    }

    public static byte[]? ReadOptionalBinary(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsNull ? null : value.IsBinary ? value.AsBinary : throw WrongType(document, field);
    }

    public static int ReadInt32(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsInt32 ? value.AsInt32 : throw WrongType(document, field);
    }

    public static long ReadInt64(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsInt64 ? value.AsInt64 : throw WrongType(document, field);
    }

    public static bool ReadBoolean(BsonDocument document, string field)
    {
        var value = document[field];
        return value.IsBoolean ? value.AsBoolean : throw WrongType(document, field);
    }

    public static T ReadEnum<T>(BsonDocument document, string field)
        where T : struct, Enum =>
        System.Enum.TryParse<T>(ReadString(document, field), ignoreCase: false, out var parsed)
            ? parsed
            : throw new InvalidDataException($"Stored document {document["_id"]} has an unknown {typeof(T).Name} value in field '{field}'.");

    private static InvalidDataException Missing(BsonDocument document, string field) =>
        new($"Stored document {document["_id"]} lacks the required field '{field}'.");

    private static InvalidDataException WrongType(BsonDocument document, string field) =>
        new($"Stored document {document["_id"]} has field '{field}' of unexpected type {document[field].Type}.");
}
