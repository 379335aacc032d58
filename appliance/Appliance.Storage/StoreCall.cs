namespace Appliance.Storage;

/// <summary>
/// Runs a synchronous LiteDB operation and hands back a completed task, so that failures surface when the
/// caller awaits (as they would from a real asynchronous store) rather than at the call.
/// </summary>
internal static class StoreCall
{
    public static Task<T> Run<T>(Func<T> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(operation());
        }
#pragma warning disable CA1031 // Every failure is handed to the awaiting caller, not swallowed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromException<T>(e);
        }
    }

    public static Task Run(Action operation, CancellationToken cancellationToken) =>
        Run(
            () =>
            {
                operation();
                return true;
            },
            cancellationToken);
}
