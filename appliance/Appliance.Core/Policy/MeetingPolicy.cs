using Appliance.Core.Meetings;

namespace Appliance.Core.Policy;

/// <summary>
/// The policy as meetings meet it: the context of a planned or booked meeting (its level as it is named now, and its
/// effective controls — the stricter of the version it was booked under and every later one), and decisions through
/// <see cref="PolicyEnforcement"/>, so that every denial is audited before the caller shows its reason.
/// </summary>
public sealed class MeetingPolicy(ActivePolicy active, PolicyAdministration administration, PolicyEnforcement enforcement, TimeProvider time)
{
    /// <summary>The version new bookings are made under.</summary>
    public int CurrentVersion => active.Current.Version;

    /// <summary>The policy in force.</summary>
    public ActivePolicy Active => active;

    /// <summary>The context of a meeting being booked: the current version's controls of <paramref name="levelId"/>.</summary>
    public PolicyContext PlannedContext(string levelId, DateTimeOffset start, DateTimeOffset end, int participantCount) => new()
    {
        Level = LevelOf(levelId),
        ScheduledStart = start,
        ScheduledEnd = end,
        ParticipantCount = participantCount,
        Now = time.GetUtcNow(),
    };

    /// <summary>The context of a booked (or running) meeting under its effective controls.</summary>
    public async Task<PolicyContext> ContextAsync(Meeting meeting, int participantCount = 0, DateTimeOffset? startedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        return new PolicyContext
        {
            MeetingId = meeting.Id,
            Level = LevelOf(meeting.ClassificationId),
            EffectiveControls = await EffectiveControlsAsync(meeting, cancellationToken).ConfigureAwait(false),
            ScheduledStart = meeting.StartsAt,
            ScheduledEnd = meeting.EndsAt,
            StartedAt = startedAt,
            ParticipantCount = participantCount,
            Now = time.GetUtcNow(),
        };
    }

    /// <summary>The stricter of the meeting's booked version and every later one.</summary>
    public async Task<PolicyControls> EffectiveControlsAsync(Meeting meeting, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        // A meeting booked under a version this store does not hold (a restored backup) is judged from version 1.
        var booked = meeting.PolicyVersion is > 0 and var v && v <= CurrentVersion ? v : 1;
        return await administration.EffectiveControlsAsync(meeting.ClassificationId, booked, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decides; a denial is in the audit log before this returns.</summary>
    public Task<PolicyDecision> DecideAsync(PolicyContext meeting, PolicyActor actor, PolicyAction action, CancellationToken cancellationToken = default) =>
        enforcement.DecideAsync(meeting, actor, action, cancellationToken);

    /// <summary>The level as the version in force names it; a level missing from it is one the appliance may not carry.</summary>
    public PolicyLevel LevelOf(string levelId) =>
        active.Current.TryGet(levelId, out var level)
            ? level
            : new PolicyLevel(
                levelId,
                int.MaxValue,
                new Dictionary<string, string> { ["en"] = levelId, ["da"] = levelId, ["sv"] = levelId },
                new Dictionary<string, string> { ["en"] = levelId, ["da"] = levelId, ["sv"] = levelId },
                "#000000",
                PolicyPresets.NotCarried);
}
