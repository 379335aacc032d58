using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Appliance.Media.Conference;

/// <summary>
/// Runs one session's <see cref="IMediaSignals"/> calls on the thread pool, in the order they were posted and one
/// at a time, so that the receive thread never waits for a WebSocket and a slow client delays only itself.
/// </summary>
internal sealed class SignalQueue(IMediaSignals signals, Action<Exception> reportError) : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<Action<IMediaSignals>> _pending = new();
    private int _scheduled;
    private volatile bool _accepting = true;
    private volatile bool _stopped;

    /// <summary>Queues a call; ignored once the queue was sealed or stopped.</summary>
    public void Post(Action<IMediaSignals> call)
    {
        if (!_accepting)
        {
            return;
        }

        _pending.Enqueue(call);
        Schedule();
    }

    /// <summary>Queues a last call: later posts are ignored, calls already queued still run.</summary>
    public void PostFinal(Action<IMediaSignals> call)
    {
        if (!_accepting)
        {
            return;
        }

        _accepting = false;
        _pending.Enqueue(call);
        Schedule();
    }

    /// <summary>No call starts from now on (one may be running).</summary>
    public void Stop()
    {
        _accepting = false;
        _stopped = true;
    }

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failing signalling sink must not stop the session's later calls; the error is reported.")]
    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (!_stopped && _pending.TryDequeue(out var call))
            {
                try
                {
                    call(signals);
                }
                catch (Exception ex)
                {
                    reportError(ex);
                }
            }

            Volatile.Write(ref _scheduled, 0);

            // A post between the last dequeue and the reset found the flag still set: pick its call up here.
            if (_stopped || _pending.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0)
            {
                return;
            }
        }
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
