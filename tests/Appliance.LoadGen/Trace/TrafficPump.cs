using System.Diagnostics;

namespace Appliance.LoadGen.Trace;

/// <summary>
/// The one thread that sends every publisher's trace on time: audio every 20 ms, a video frame every 1/30 s, each
/// publisher at its own phase so that the load is spread over the interval as real participants' would be. When it
/// falls more than 200 ms behind (an overloaded generator) it skips ahead instead of bursting, and counts it.
/// </summary>
internal sealed class TrafficPump : IDisposable
{
    private static readonly long AudioInterval = Stopwatch.Frequency * SyntheticTrace.AudioIntervalMs / 1000;
    private static readonly long FrameInterval = Stopwatch.Frequency / SyntheticTrace.FramesPerSecond;
    private static readonly long MaxLag = Stopwatch.Frequency / 5;

    private readonly Lock _gate = new();
    private readonly List<Publisher> _publishers = [];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _paused;
    private long _skipped;
    private long _resumeAt;

    public TrafficPump()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "loadgen-pump", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Intervals skipped because the pump was late.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _publishers.Count;
            }
        }
    }

    /// <summary>While paused nothing is sent (joins settle with no media, for the idle memory figure).</summary>
    public bool Paused
    {
        get => _paused;
        set
        {
            if (!value)
            {
                Interlocked.Exchange(ref _resumeAt, 1);
            }

            _paused = value;
        }
    }

    public void Add(Publisher publisher)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            Phase(publisher, _publishers.Count, now);
            _publishers.Add(publisher);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _publishers.Clear();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(2));
    }

    // Spread phases by a prime fraction of the interval so publishers do not send in lockstep.
    private static void Phase(Publisher publisher, int slot, long now)
    {
        publisher.NextAudioAt = now + AudioInterval * (slot * 37 % 100) / 100;
        publisher.NextFrameAt = now + FrameInterval * (slot * 61 % 100) / 100;
    }

    private void Run()
    {
        while (!_stopping)
        {
            if (_paused)
            {
                Thread.Sleep(5);
                continue;
            }

            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                if (_resumeAt != 0)
                {
                    // Coming out of a pause: start every publisher afresh at its phase rather than skipping.
                    for (var slot = 0; slot < _publishers.Count; slot++)
                    {
                        Phase(_publishers[slot], slot, now);
                    }

                    _resumeAt = 0;
                }

                foreach (var publisher in _publishers)
                {
                    if (now - publisher.NextAudioAt > MaxLag)
                    {
                        Interlocked.Increment(ref _skipped);
                        publisher.NextAudioAt = now;
                    }

                    while (publisher.NextAudioAt <= now)
                    {
                        publisher.SendAudio();
                        publisher.NextAudioAt += AudioInterval;
                    }

                    if (now - publisher.NextFrameAt > MaxLag)
                    {
                        Interlocked.Increment(ref _skipped);
                        publisher.NextFrameAt = now;
                    }

                    while (publisher.NextFrameAt <= now)
                    {
                        publisher.SendVideoFrame();
                        publisher.NextFrameAt += FrameInterval;
                    }
                }
            }

            Thread.Sleep(1);
        }
    }
}
