namespace Appliance.Core.Validation;

/// <summary>
/// Message keys produced by the domain. Each edge translates them (the web UI into Danish, Swedish and English;
/// the API returns the key and the English text).
/// </summary>
public static class Messages
{
    public const string ValidationFailed = "validation.failed";
    public const string PolicyDenied = "policy.denied";
    public const string PinRequiredByLevel = "invitation.pin_required_by_level";
    public const string Required = "validation.required";
    public const string TooLong = "validation.too_long";
    public const string TooShort = "validation.too_short";
    public const string InvalidCharacters = "validation.invalid_characters";
    public const string EndBeforeStart = "validation.end_before_start";
    public const string InPast = "validation.in_past";
    public const string TooFarAhead = "validation.too_far_ahead";
    public const string DurationTooLong = "validation.duration_too_long";
    public const string UnknownClassification = "validation.unknown_classification";
    public const string TooMany = "validation.too_many";
    public const string InvalidEmail = "validation.invalid_email";
    public const string InvalidPin = "validation.invalid_pin";
    public const string InvalidExpiry = "validation.invalid_expiry";
    public const string InvalidRole = "validation.invalid_role";
    public const string PasswordTooWeak = "validation.password_too_weak";
    public const string UserNameTaken = "validation.username_taken";
    public const string MeetingNotFound = "meeting.not_found";
    public const string MeetingCancelled = "meeting.cancelled";
    public const string MeetingEnded = "meeting.ended";
    public const string NotOrganiser = "meeting.not_organiser";
    public const string InvitationNotFound = "invitation.not_found";
    public const string InvitationAlreadyRevoked = "invitation.already_revoked";
    public const string NotAllowed = "access.not_allowed";
}
