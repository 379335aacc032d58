using System.Globalization;
using Appliance.Core.Audit;

namespace Appliance.Core.Policy;

/// <summary>
/// The engine as the edges use it: decides, and records every denial in the audit log before the caller shows the
/// reason. The engine itself stays pure; this is the one place that turns a denial into an audit entry.
/// </summary>
public sealed class PolicyEnforcement(IAuditLog audit)
{
    /// <summary>Decides; a denial is on disk in the audit log before this returns.</summary>
    public async Task<PolicyDecision> DecideAsync(PolicyContext meeting, PolicyActor actor, PolicyAction action, CancellationToken cancellationToken = default)
    {
        var decision = PolicyEngine.Decide(meeting, actor, action);
        if (!decision.Allowed)
        {
            await audit.AppendAsync(DenialEvent(meeting, actor, action, decision), cancellationToken).ConfigureAwait(false);
        }

        return decision;
    }

    /// <summary>
    /// The audit entry for a denial: who (by id and kind), which meeting, the action, the rule and the level — and the
    /// client address, since where a refused attempt came from is what an investigation asks first.
    /// </summary>
    public static AuditEvent DenialEvent(PolicyContext meeting, PolicyActor actor, PolicyAction action, PolicyDecision decision)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(decision);
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["policyAction"] = action.ToString(),
            ["rule"] = decision.RuleId,
            ["level"] = meeting.Level.Id,
            ["actorKind"] = actor.Kind.ToString(),
            ["participants"] = meeting.ParticipantCount.ToString(CultureInfo.InvariantCulture),
        };
        if (actor.ClientAddress is not null)
        {
            details["client"] = actor.ClientAddress.ToString();
        }

        return new AuditEvent(ActorName(actor), AuditAction.Denied, meeting.MeetingId, AuditOutcome.Denied, details);
    }

    private static string ActorName(PolicyActor actor) => actor.Kind switch
    {
        ActorKind.Guest => "guest:" + actor.Id,
        ActorKind.SipCaller => "sip:" + actor.Id,
        _ => actor.Id,
    };
}
