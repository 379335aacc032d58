namespace Appliance.Core.Rooms;

/// <summary>At most N events per window, counted over the last window exactly (not in fixed buckets).</summary>
internal sealed class SlidingWindow
{
    private readonly Queue<DateTimeOffset> _times = new();
    private readonly int _limit;
    private readonly TimeSpan _window;

    public SlidingWindow(int limit, TimeSpan window)
    {
        _limit = limit;
        _window = window;
    }

    /// <summary>Counts one event at <paramref name="now"/> when the limit allows it; false (and nothing counted) otherwise.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        while (_times.Count > 0 && now - _times.Peek() >= _window)
        {
            _times.Dequeue();
        }

        if (_times.Count >= _limit)
        {
            return false;
        }

        _times.Enqueue(now);
        return true;
    }
}
