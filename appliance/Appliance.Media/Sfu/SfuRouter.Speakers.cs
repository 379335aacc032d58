namespace Appliance.Media.Sfu;

public sealed partial class SfuRouter
{
    /// <summary>
    /// The router's clock beat, about every 50 ms: judges who speaks and who dominates, reassigns the subscribers'
    /// video and screen slots when that or the membership changed, repeats key frame requests for slots still
    /// waiting, and sends sender and receiver reports every <see cref="SfuOptions.ReportInterval"/>.
    /// </summary>
    public void OnTick(long nowTicks)
    {
        UpdateSpeakers(nowTicks);
        if (_assignmentsDirty)
        {
            _assignmentsDirty = false;
            foreach (var subscriber in _members)
            {
                AssignVideo(subscriber, nowTicks);
                AssignScreen(subscriber, nowTicks);
            }
        }

        foreach (var subscriber in _members)
        {
            foreach (var slot in subscriber.VideoSlots)
            {
                RepeatKeyframeRequest(slot, nowTicks);
            }

            RepeatKeyframeRequest(subscriber.ScreenSlot, nowTicks);
        }

        if (_nextReportTicks == long.MinValue)
        {
            _nextReportTicks = nowTicks + _reportIntervalTicks;
        }
        else if (nowTicks >= _nextReportTicks)
        {
            _nextReportTicks = nowTicks + _reportIntervalTicks;
            SendReports(nowTicks);
        }
    }

    private void UpdateSpeakers(long nowTicks)
    {
        Participant? loudest = null;
        foreach (var p in _members)
        {
            if (p.Audio is null)
            {
                p.Speaking = false;
                p.Loudness = 0;
                continue;
            }

            var voiced = p.Speech.Evaluate(nowTicks, out var loudness);
            p.Speaking = voiced >= _sustainedBuckets;
            p.Loudness = loudness;
            if (p.Speaking && (loudest is null || loudness > loudest.Loudness))
            {
                loudest = p;
            }
        }

        if (loudest is null || loudest == _dominant)
        {
            return;
        }

        // A dominant speaker who still speaks keeps the floor against someone only slightly louder.
        if (_dominant is { Speaking: true } && loudest.Loudness <= _dominant.Loudness * _options.DominanceMargin)
        {
            return;
        }

        _dominant = loudest;
        var index = _speakerOrder.IndexOf(loudest);
        if (index > 0)
        {
            _speakerOrder.RemoveAt(index);
            _speakerOrder.Insert(0, loudest);
        }

        SpeakerVersion++;
        _assignmentsDirty = true;
    }

    // The last N: the first N video publishers of the speaker order other than the subscriber. A slot that already
    // shows one of them keeps it; only the newcomers move, each into a slot whose source dropped out.
    private void AssignVideo(Participant subscriber, long nowTicks)
    {
        var stamp = ++_stamp;
        var wanted = 0;
        foreach (var p in _speakerOrder)
        {
            if (wanted == subscriber.VideoSlots.Length)
            {
                break;
            }

            if (p != subscriber && p.Video is not null)
            {
                p.DesiredStamp = stamp;
                wanted++;
            }
        }

        foreach (var slot in subscriber.VideoSlots)
        {
            if (slot.Assigned is { } assigned && assigned.Owner.DesiredStamp == stamp && assigned == assigned.Owner.Video
                && assigned.Owner.PlacedStamp != stamp)
            {
                assigned.Owner.PlacedStamp = stamp;
                slot.KeepStamp = stamp;
            }
        }

        var free = 0;
        foreach (var p in _speakerOrder)
        {
            if (p.DesiredStamp != stamp || p.PlacedStamp == stamp)
            {
                continue;
            }

            while (subscriber.VideoSlots[free].KeepStamp == stamp)
            {
                free++;
            }

            var slot = subscriber.VideoSlots[free];
            slot.KeepStamp = stamp;
            p.PlacedStamp = stamp;
            Assign(slot, p.Video, nowTicks);
        }

        foreach (var slot in subscriber.VideoSlots)
        {
            if (slot.KeepStamp != stamp)
            {
                Assign(slot, null, nowTicks);
            }
        }
    }

    // The screen slot shows the most recent share by someone else.
    private void AssignScreen(Participant subscriber, long nowTicks)
    {
        InboundStream? source = null;
        for (var i = _screens.Count - 1; i >= 0; i--)
        {
            if (_screens[i].Owner != subscriber)
            {
                source = _screens[i];
                break;
            }
        }

        Assign(subscriber.ScreenSlot, source, nowTicks);
    }

    private void Assign(VideoSlot slot, InboundStream? source, long nowTicks)
    {
        var previous = slot.Assigned;
        if (previous == source)
        {
            return;
        }

        slot.Assigned = source;
        if (previous is not null && previous != slot.Current)
        {
            previous.Sinks.Remove(slot);
        }

        if (source is null)
        {
            // Nobody to show: stop at once rather than keep a source that left the last N.
            slot.Current?.Sinks.Remove(slot);
            slot.Current = null;
        }
        else if (source != slot.Current)
        {
            // Until the new source's key frame the slot keeps forwarding its current one.
            source.Sinks.Add(slot);
            RequestKeyframe(source, KeyframeRequest.PictureLoss, nowTicks, countSuppressed: false);
        }

        BumpLayout(slot.Subscriber);
    }

    private void RepeatKeyframeRequest(VideoSlot slot, long nowTicks)
    {
        if (slot.Assigned is { } source && source != slot.Current)
        {
            RequestKeyframe(source, KeyframeRequest.PictureLoss, nowTicks, countSuppressed: false);
        }
    }
}
