using Appliance.Media.Sfu;

namespace Appliance.Media.Tests.Sfu;

/// <summary>A participant as the tests drive it: its SSRCs and the next sequence numbers and timestamps it sends.</summary>
internal sealed class Member(ParticipantKey key, int index)
{
    public ParticipantKey Key { get; } = key;

    public uint AudioSsrc { get; } = 0x0A000000u + (uint)index;

    public uint VideoSsrc { get; } = 0x0B000000u + (uint)index;

    public uint VideoRtxSsrc { get; } = 0x0C000000u + (uint)index;

    public uint ScreenSsrc { get; } = 0x0D000000u + (uint)index;

    public ushort AudioSequence { get; set; } = (ushort)(1000 * index);

    public uint AudioTimestamp { get; set; } = 48_000u * (uint)index;

    public ushort VideoSequence { get; set; } = (ushort)(30_000 + (1000 * index));

    public uint VideoTimestamp { get; set; } = 1_000_000u * (uint)index;

    public ushort ScreenSequence { get; set; } = (ushort)(7 * index);

    public uint ScreenTimestamp { get; set; } = 77u * (uint)index;
}

/// <summary>
/// A router with a recording output, a microsecond clock, and members that send audio every 20 ms and video
/// frames on demand. <see cref="Step"/> moves time and calls <see cref="SfuRouter.OnTick"/> every 50 ms.
/// </summary>
internal sealed class Meeting
{
    public const long TicksPerSecond = 1_000_000;

    // 2024-01-01T00:00:00Z in NTP: 3913056000 seconds since 1900.
    public const ulong NtpAtZero = 3_913_056_000UL << 32;

    private readonly List<Member> _members = [];
    private long _nextTick;

    public Meeting(int lastN = 9, IRtpOutput? output = null, int retransmissionBuffer = 512)
    {
        Output = output as RecordingOutput ?? new RecordingOutput();
        Options = new SfuOptions
        {
            LastN = lastN,
            Clock = new NtpClock(TicksPerSecond, 0, NtpAtZero),
            SsrcSeed = 42,
            RetransmissionBufferPackets = retransmissionBuffer,
        };
        Router = new SfuRouter(output ?? Output, Options);
        _nextTick = Now;
    }

    public RecordingOutput Output { get; }

    public SfuOptions Options { get; }

    public SfuRouter Router { get; }

    /// <summary>Microseconds.</summary>
    public long Now { get; private set; } = 10 * TicksPerSecond;

    public IReadOnlyList<Member> Members => _members;

    public Member Join(bool audio = true, bool video = true, bool rtx = true)
    {
        var member = new Member(Router.AddParticipant(), _members.Count + 1);
        _members.Add(member);
        var tracks = new List<PublishedTrack>();
        if (audio)
        {
            tracks.Add(new PublishedTrack(TrackKind.Audio, member.AudioSsrc, SfuOptions.OpusPayloadType));
        }

        if (video)
        {
            tracks.Add(new PublishedTrack(TrackKind.Video, member.VideoSsrc, SfuOptions.Vp8PayloadType, rtx ? member.VideoRtxSsrc : null));
        }

        Assert.That(Router.SetPublication(member.Key, tracks.ToArray()), Is.EqualTo(PublicationResult.Accepted));
        return member;
    }

    public void ShareScreen(Member member, bool audio = true, bool video = true)
    {
        var tracks = new List<PublishedTrack>();
        if (audio)
        {
            tracks.Add(new PublishedTrack(TrackKind.Audio, member.AudioSsrc, SfuOptions.OpusPayloadType));
        }

        if (video)
        {
            tracks.Add(new PublishedTrack(TrackKind.Video, member.VideoSsrc, SfuOptions.Vp8PayloadType, member.VideoRtxSsrc));
        }

        tracks.Add(new PublishedTrack(TrackKind.Screen, member.ScreenSsrc, SfuOptions.Vp8PayloadType));
        Assert.That(Router.SetPublication(member.Key, tracks.ToArray()), Is.EqualTo(PublicationResult.Accepted));
    }

    /// <summary>Moves time on, calling OnTick at every 50 ms boundary passed.</summary>
    public void Step(TimeSpan by)
    {
        Now += (long)(by.TotalSeconds * TicksPerSecond);
        while (_nextTick <= Now)
        {
            Router.OnTick(_nextTick);
            _nextTick += TicksPerSecond / 20;
        }
    }

    public byte[] SendAudio(Member member, int level = 127, bool voice = false, string? mid = null)
    {
        var packet = Packets.Rtp(
            member.AudioSsrc, member.AudioSequence++, member.AudioTimestamp, SfuOptions.OpusPayloadType, new byte[60],
            audioLevel: (voice, level), mid: mid);
        member.AudioTimestamp += 960;
        Router.OnRtp(member.Key, packet, Now);
        return packet;
    }

    /// <summary>One video packet of the member's current frame; <paramref name="newFrame"/> advances the timestamp by 3000 (30 fps).</summary>
    public byte[] SendVideo(Member member, byte[] payload, bool newFrame = true, bool marker = true)
    {
        if (newFrame)
        {
            member.VideoTimestamp += 3000;
        }

        var packet = Packets.Rtp(member.VideoSsrc, member.VideoSequence++, member.VideoTimestamp, SfuOptions.Vp8PayloadType, payload, marker);
        Router.OnRtp(member.Key, packet, Now);
        return packet;
    }

    public byte[] SendScreen(Member member, byte[] payload, bool newFrame = true)
    {
        if (newFrame)
        {
            member.ScreenTimestamp += 9000;
        }

        var packet = Packets.Rtp(member.ScreenSsrc, member.ScreenSequence++, member.ScreenTimestamp, SfuOptions.Vp8PayloadType, payload, true);
        Router.OnRtp(member.Key, packet, Now);
        return packet;
    }

    /// <summary>
    /// <paramref name="speaker"/> talks (level 20, voice) for <paramref name="duration"/>, one packet per 20 ms,
    /// while the others send silence (level 127).
    /// </summary>
    public void Speak(Member speaker, TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(20))
        {
            foreach (var member in _members)
            {
                if (member == speaker)
                {
                    SendAudio(member, 20, voice: true);
                }
                else
                {
                    SendAudio(member);
                }
            }

            Step(TimeSpan.FromMilliseconds(20));
        }
    }

    public OutgoingSlot[] VideoSlots(Member subscriber) =>
        Router.GetLayout(subscriber.Key)!.Slots.Where(s => s.Kind == TrackKind.Video).ToArray();

    public OutgoingSlot Slot(Member subscriber, TrackKind kind, int index = 0) =>
        Router.GetLayout(subscriber.Key)!.Slots.Where(s => s.Kind == kind).ElementAt(index);

    public ParticipantCounters Counters(Member member)
    {
        Assert.That(Router.TryGetCounters(member.Key, out var counters), Is.True);
        return counters;
    }
}
