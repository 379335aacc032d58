namespace Appliance.LoadGen.Workloads;

/// <summary>The participants of a meeting session, added by joining tasks and read by the measuring thread.</summary>
internal sealed class ParticipantList
{
    private readonly Lock _gate = new();
    private readonly List<GeneratorParticipant> _participants = [];

    public IReadOnlyList<GeneratorParticipant> Snapshot()
    {
        lock (_gate)
        {
            return _participants.ToList();
        }
    }

    public void Add(GeneratorParticipant participant)
    {
        lock (_gate)
        {
            _participants.Add(participant);
        }
    }
}

/// <summary>Joins run a few at a time: enough to hide round trips, few enough not to storm the SFU's signalling.</summary>
internal static class Joining
{
    public const int Concurrency = 6;

    /// <summary>Runs <paramref name="join"/> for each item, <see cref="Concurrency"/> at a time; fails if any fails.</summary>
    public static async Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> join, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(Concurrency);
        var tasks = new List<Task>();
        foreach (var item in items)
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            tasks.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await join(item, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        slots.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
