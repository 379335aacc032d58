namespace Appliance.Storage;

/// <summary>
/// The database or its key cannot be used. The message is written for the operator: it names the file
/// and says what to do, because this is what they read in the journal when the appliance refuses to start.
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public StorageException()
        : base("The appliance database cannot be used.")
    {
    }

    /// <summary>Creates the exception with an operator-readable message.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an operator-readable message and the underlying cause.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
