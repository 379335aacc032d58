namespace Appliance.Core.Invitations;

/// <summary>Limits on guest invitations.</summary>
public static class InvitationRules
{
    /// <summary>Wrong PINs before the invitation locks for good (the organiser can issue a new one).</summary>
    public const int MaxPinAttempts = 5;

    public const int MinPinLength = 4;
    public const int MaxPinLength = 10;
    public const int MaxGuestNameLength = 200;

    /// <summary>Without an explicit expiry an invitation works until this long after the meeting's end.</summary>
    public static readonly TimeSpan DefaultValidityAfterEnd = TimeSpan.FromHours(1);

    /// <summary>No invitation outlives its meeting by more than this.</summary>
    public static readonly TimeSpan MaxValidityAfterEnd = TimeSpan.FromDays(7);

    /// <summary>True for a PIN of 4 to 10 ASCII digits.</summary>
    public static bool IsValidPin(string pin) =>
        pin.Length is >= MinPinLength and <= MaxPinLength && pin.All(char.IsAsciiDigit);
}
