using System.Collections.Concurrent;
using Appliance.Media.Conference;

namespace Appliance.Media.Tests.Conference;

/// <summary>The signalling side of a test browser: records every call, and on which thread it came.</summary>
internal sealed class RecordingSignals : IMediaSignals
{
    private readonly Lock _gate = new();
    private readonly List<OfferText> _offers = [];
    private IReadOnlyList<SlotSource> _slots = [];
    private (IReadOnlyList<string> Order, string? Dominant) _speakers = ([], null);
    private int _callsOnReceiveThread;
    private int _concurrentCalls;
    private int _inCall;

    public ConcurrentQueue<MediaCloseReason> Closed { get; } = new();

    public int CallsOnReceiveThread => Volatile.Read(ref _callsOnReceiveThread);

    public int ConcurrentCalls => Volatile.Read(ref _concurrentCalls);

    public OfferText? LatestOffer
    {
        get
        {
            lock (_gate)
            {
                return _offers.Count > 0 ? _offers[^1] : null;
            }
        }
    }

    public IReadOnlyList<OfferText> Offers
    {
        get
        {
            lock (_gate)
            {
                return [.. _offers];
            }
        }
    }

    public IReadOnlyList<SlotSource> Slots
    {
        get
        {
            lock (_gate)
            {
                return _slots;
            }
        }
    }

    public (IReadOnlyList<string> Order, string? Dominant) Speakers
    {
        get
        {
            lock (_gate)
            {
                return _speakers;
            }
        }
    }

    public async Task<OfferText> WaitForOfferAsync(int revision)
    {
        await ConferenceRig.WaitUntilAsync(() => LatestOffer?.Revision >= revision, () => $"offer revision {revision}");
        return Offers.Single(o => o.Revision == revision);
    }

    public void SendOffer(string sdp, int revision) => Record(() => _offers.Add(OfferText.Parse(sdp, revision)));

    public void SendSlots(IReadOnlyList<SlotSource> slots) => Record(() => _slots = slots);

    public void SendSpeakers(IReadOnlyList<string> participantIdsInOrder, string? dominant) =>
        Record(() => _speakers = (participantIdsInOrder, dominant));

    public void MediaClosed(MediaCloseReason reason) => Record(() => Closed.Enqueue(reason));

    /// <summary>What was signalled, for failure messages.</summary>
    public override string ToString() =>
        $"offers {string.Join(" ", Offers.Select(o => $"r{o.Revision}[{string.Join(",", o.Sections.Where(s => s.Kind == "audio" && s.Direction != "recvonly").Select(s => $"{s.Mid}:{s.Direction[..4]}"))}]"))}, closed [{string.Join(",", Closed)}], slots [{string.Join(", ", Slots.Select(s => $"{s.Mid}:{s.ParticipantId}"))}]";

    private void Record(Action action)
    {
        if (Thread.CurrentThread.Name == "media-receive")
        {
            Interlocked.Increment(ref _callsOnReceiveThread);
        }

        if (Interlocked.Increment(ref _inCall) > 1)
        {
            Interlocked.Increment(ref _concurrentCalls);
        }

        try
        {
            lock (_gate)
            {
                action();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inCall);
        }
    }
}
