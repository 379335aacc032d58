using System.Threading.Channels;
using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>
/// Calls into the media plane, kept in the order the rooms decided them: one lane per group of meetings, each lane run by
/// one loop, so that the calls for one meeting never overlap or overtake each other. A failing call is logged and
/// skipped; the meeting carries on.
/// </summary>
internal sealed class MediaCalls(IMeetingMedia media, ILogger<MediaCalls> logger)
{
    private const int Lanes = 16;
    private const int LaneCapacity = 10_000;

    private readonly Channel<Call>[] _lanes = Enumerable.Range(0, Lanes)
        .Select(_ => Channel.CreateBounded<Call>(new BoundedChannelOptions(LaneCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))
        .ToArray();

    /// <summary>Queues a call for a meeting; never blocks.</summary>
    public void Enqueue(string meetingId, string what, Func<IMeetingMedia, CancellationToken, ValueTask> call)
    {
        var lane = _lanes[(uint)StringComparer.Ordinal.GetHashCode(meetingId) % Lanes];
        if (!lane.Writer.TryWrite(new Call(meetingId, what, call)))
        {
            // Ten thousand calls behind: the media plane is stuck, and waiting here would stop the rooms too.
            logger.LogError("Media call {What} for meeting {MeetingId} dropped: the media plane is not keeping up", what, meetingId);
        }
    }

    /// <summary>Runs the lanes until <paramref name="stopping"/>.</summary>
    public Task RunAsync(CancellationToken stopping) => Task.WhenAll(_lanes.Select(lane => RunLaneAsync(lane.Reader, stopping)));

    private async Task RunLaneAsync(ChannelReader<Call> lane, CancellationToken stopping)
    {
        try
        {
            await foreach (var call in lane.ReadAllAsync(stopping))
            {
                try
                {
                    await call.Run(media, stopping);
                }
#pragma warning disable CA1031 // Whatever the media plane throws, the lobby, chat and roster must go on.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    logger.LogError(ex, "Media call {What} for meeting {MeetingId} failed", call.What, call.MeetingId);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private sealed record Call(string MeetingId, string What, Func<IMeetingMedia, CancellationToken, ValueTask> Run);
}
