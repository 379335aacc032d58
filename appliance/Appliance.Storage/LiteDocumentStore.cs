using LiteDB;

namespace Appliance.Storage;

/// <summary>
/// The scaffolding a store of one LiteDB collection needs: the collection, and running reads and writes as
/// <see cref="StoreCall"/>s, the writes under the database's shared write lock.
/// </summary>
internal abstract class LiteDocumentStore
{
    private readonly Lock _writeLock;

    protected LiteDocumentStore(LiteDatabase database, Lock writeLock, string collection)
    {
        _writeLock = writeLock;
        Documents = database.GetCollection(collection);
    }

    protected ILiteCollection<BsonDocument> Documents { get; }

    protected static Task<T> Read<T>(Func<T> read, CancellationToken cancellationToken) => StoreCall.Run(read, cancellationToken);

    protected Task Write(Action write, CancellationToken cancellationToken) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    write();
                }
            },
            cancellationToken);

    protected Task<T> Write<T>(Func<T> write, CancellationToken cancellationToken) =>
        StoreCall.Run(
            () =>
            {
                lock (_writeLock)
                {
                    return write();
                }
            },
            cancellationToken);
}
