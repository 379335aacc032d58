using System.Collections.Concurrent;
using System.Globalization;
using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Signalling;

namespace Appliance.Host.Policy;

/// <summary>
/// Holds running meetings to their level's longest duration (<see cref="PolicyControls.MaxDuration"/> of the meeting's
/// effective controls, counted from when its room opened): everyone in the room is warned 10 and 2 minutes before, then
/// the meeting is ended for everyone with the reason "max-duration" and the end is audited as a system action. Because
/// the effective controls are read at every check, a tightening that lowers the limit ends rooms already past it at the
/// next check.
/// </summary>
public sealed class MeetingDurationLimit(
    MeetingRooms rooms, SignallingHub hub, MeetingPolicy policy, IAuditLog audit, TimeProvider time, ILogger<MeetingDurationLimit> log)
    : BackgroundService
{
    /// <summary>How often the open rooms are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>When before the end everyone is warned, latest last.</summary>
    public static readonly IReadOnlyList<TimeSpan> Warnings = [TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2)];

    // Per open room (by meeting and the time its room opened, since a meeting's room can open again): the last warning given.
    private readonly ConcurrentDictionary<(string MeetingId, DateTimeOffset StartedAt), TimeSpan> _warned = new();

    /// <summary>One check of every open room; returns how many meetings it ended.</summary>
    public async Task<int> CheckOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var ended = 0;
        var open = new HashSet<(string, DateTimeOffset)>();
        foreach (var meetingId in rooms.MeetingIds)
        {
            if (rooms.Find(meetingId) is not { IsEnded: false } room)
            {
                continue;
            }

            var key = (meetingId, room.StartedAt);
            open.Add(key);
            var controls = await policy.EffectiveControlsAsync(room.Meeting, cancellationToken);
            var endsAt = room.StartedAt + controls.MaxDuration;
            var left = endsAt - now;
            if (left <= TimeSpan.Zero)
            {
                if (hub.EndAtMaximumDuration(meetingId))
                {
                    ended++;
                    log.LogInformation("Meeting {MeetingId} ended after running its level's longest duration of {Minutes} minutes", meetingId, (long)controls.MaxDuration.TotalMinutes);
                    await audit.AppendAsync(
                        new AuditEvent(PolicyAdministration.SystemActor, AuditAction.MeetingEnded, meetingId, AuditOutcome.Success, new Dictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["reason"] = "max-duration",
                            ["rule"] = PolicyRules.RanTooLong.Id,
                            ["level"] = room.Meeting.ClassificationId,
                            ["maxMinutes"] = ((long)controls.MaxDuration.TotalMinutes).ToString(CultureInfo.InvariantCulture),
                        }),
                        cancellationToken);
                }

                continue;
            }

            // The latest warning that is due; given once, and never an earlier one after a later one.
            var due = Warnings.Where(w => left <= w).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            if (due != TimeSpan.MaxValue && (!_warned.TryGetValue(key, out var given) || due < given))
            {
                _warned[key] = due;
                hub.WarnEnding(meetingId, endsAt, (int)Math.Ceiling(left.TotalMinutes));
            }
        }

        foreach (var key in _warned.Keys.Where(k => !open.Contains(k)))
        {
            _warned.TryRemove(key, out _);
        }

        return ended;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // One failed check (a store hiccup) must not stop the limit for good.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    log.LogError(e, "Checking the meetings' longest duration failed; the next check runs in {Interval}", Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
