using Appliance.Core.Classification;
using Appliance.Core.Validation;

namespace Appliance.Core.Meetings;

/// <summary>What a bookable meeting must look like.</summary>
public static class MeetingRules
{
    public const int MaxTitleLength = 200;
    public const int MaxAgendaLength = 4000;
    public const int MaxParticipants = 100;
    public const int MaxNameLength = 200;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaxBookingHorizon = TimeSpan.FromDays(2 * 366);

    /// <summary>Checks a draft and turns it into a meeting's fields; errors are added per field.</summary>
    public static ValidatedMeeting? Validate(MeetingDraft draft, ClassificationCatalog catalog, DateTimeOffset now, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(errors);

        var title = Text.Required(errors, "title", draft.Title, MaxTitleLength);
        var agenda = Text.Optional(errors, "agenda", draft.Agenda, MaxAgendaLength, multiline: true);

        if (draft.StartsAt is null)
        {
            errors.Add("startsAt", Messages.Required);
        }
        else if (draft.StartsAt.Value > now + MaxBookingHorizon)
        {
            errors.Add("startsAt", Messages.TooFarAhead);
        }

        if (draft.EndsAt is null)
        {
            errors.Add("endsAt", Messages.Required);
        }
        else if (draft.StartsAt is not null)
        {
            if (draft.EndsAt.Value <= draft.StartsAt.Value)
            {
                errors.Add("endsAt", Messages.EndBeforeStart);
            }
            else if (draft.EndsAt.Value - draft.StartsAt.Value > MaxDuration)
            {
                errors.Add("endsAt", Messages.DurationTooLong);
            }
            else if (draft.EndsAt.Value <= now)
            {
                errors.Add("endsAt", Messages.InPast);
            }
        }

        if (string.IsNullOrWhiteSpace(draft.ClassificationId))
        {
            errors.Add("classification", Messages.Required);
        }
        else if (!catalog.TryGet(draft.ClassificationId.Trim(), out _))
        {
            errors.Add("classification", Messages.UnknownClassification);
        }

        var participants = ValidateParticipants(draft.Participants ?? [], errors);

        return errors.IsEmpty
            ? new ValidatedMeeting(title!, draft.StartsAt!.Value.ToUniversalTime(), draft.EndsAt!.Value.ToUniversalTime(), agenda, draft.ClassificationId!.Trim(), participants)
            : null;
    }

    /// <summary>
    /// A role by its exact name, ignoring case. Enum.TryParse would also take numbers and comma-joined names
    /// ("Citizen,Interpreter"), which it ORs together into a different role.
    /// </summary>
    public static bool TryParseRole(string text, out ParticipantRole role)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var candidate in Enum.GetValues<ParticipantRole>())
        {
            if (string.Equals(candidate.ToString(), trimmed, StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = ParticipantRole.Other;
        return false;
    }

    private static List<MeetingParticipant> ValidateParticipants(IReadOnlyList<ParticipantDraft> drafts, ValidationErrors errors)
    {
        var result = new List<MeetingParticipant>();
        if (drafts.Count > MaxParticipants)
        {
            errors.Add("participants", Messages.TooMany);
            return result;
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            var prefix = $"participants[{i}].";
            if (draft is null)
            {
                errors.Add(prefix + "name", Messages.Required);
                continue;
            }

            var name = Text.Required(errors, prefix + "name", draft.Name, MaxNameLength);
            var role = ParticipantRole.Other;
            if (!string.IsNullOrWhiteSpace(draft.Role) && !TryParseRole(draft.Role, out role))
            {
                errors.Add(prefix + "role", Messages.InvalidRole);
            }

            var email = Text.Optional(errors, prefix + "email", draft.Email, 254);
            if (email is not null && !Text.LooksLikeEmail(email))
            {
                errors.Add(prefix + "email", Messages.InvalidEmail);
            }

            if (name is not null)
            {
                result.Add(new MeetingParticipant(name, role, email));
            }
        }

        return result;
    }
}

/// <summary>A draft that passed validation, with cleaned values.</summary>
public sealed record ValidatedMeeting(
    string Title,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string? Agenda,
    string ClassificationId,
    IReadOnlyList<MeetingParticipant> Participants);
