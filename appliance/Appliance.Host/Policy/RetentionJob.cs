using System.Globalization;
using Appliance.Core.Audit;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;

namespace Appliance.Host.Policy;

/// <summary>
/// Deletes what the classification policy says must not be kept: a meeting (with its invitations) once its level's
/// data retention has passed after its booked end, judged by the meeting's effective controls so that a shortened
/// retention reaches meetings booked before. Each deletion is audited as a system action.
/// </summary>
/// <remarks>
/// Chat is not stored: it lives in the room's memory and is gone when the room closes, which is never later than the
/// shortest chat retention (zero), so there is no chat to delete here. A meeting whose room is still open is left for
/// the next run.
/// </remarks>
public sealed class RetentionJob(
    IMeetingStore meetings, IInvitationStore invitations, MeetingPolicy policy, MeetingRooms rooms, IAuditLog audit, TimeProvider time, ILogger<RetentionJob> log)
    : BackgroundService
{
    /// <summary>How often the job runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>One pass: deletes every meeting past its retention; returns how many were deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var deleted = 0;
        foreach (var meeting in await meetings.ListEndedBeforeAsync(now, cancellationToken))
        {
            var controls = await policy.EffectiveControlsAsync(meeting, cancellationToken);
            if (meeting.EndsAt + TimeSpan.FromDays(controls.DataRetentionDays) > now || rooms.Find(meeting.Id) is not null)
            {
                continue;
            }

            var invitationCount = await invitations.DeleteByMeetingAsync(meeting.Id, cancellationToken);
            if (!await meetings.DeleteAsync(meeting.Id, cancellationToken))
            {
                continue;
            }

            deleted++;
            await audit.AppendAsync(
                new AuditEvent(PolicyAdministration.SystemActor, AuditAction.RetentionDeleted, meeting.Id, AuditOutcome.Success, new Dictionary<string, string>
                {
                    ["level"] = meeting.ClassificationId,
                    ["retentionDays"] = controls.DataRetentionDays.ToString(CultureInfo.InvariantCulture),
                    ["invitations"] = invitationCount.ToString(CultureInfo.InvariantCulture),
                }),
                cancellationToken);
        }

        if (deleted > 0)
        {
            log.LogInformation("Retention deleted {Count} meetings past their level's retention", deleted);
        }

        return deleted;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed pass (a locked file, a full disk) must not stop retention for good.
            catch (Exception e)
#pragma warning restore CA1031
            {
                log.LogError(e, "A retention pass failed; the next one runs in {Interval}", Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
