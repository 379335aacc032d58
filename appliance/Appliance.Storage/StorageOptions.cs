namespace Appliance.Storage;

/// <summary>Where the appliance keeps its encrypted database and the key that opens it.</summary>
public sealed class StorageOptions
{
    /// <summary>The data folder; created with mode 0700 when missing. LiteDB's log and temp files live here too.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The database file's name inside <see cref="DataDirectory"/>; a bare file name, not a path.</summary>
    public string DatabaseFileName { get; init; } = "appliance.db";

    /// <summary>
    /// The file holding the database key (32 random bytes, base64). Defaults to
    /// <c>&lt;DataDirectory&gt;/appliance.key</c>; point it at a systemd credential to keep the key off the data disk.
    /// </summary>
    public string? KeyFilePath { get; init; }
}
