namespace Appliance.Core.Identity;

/// <summary>What a sign-in step decided.</summary>
public enum SignInStatus
{
    /// <summary>Wrong user name, password or code; deliberately one answer for all of them.</summary>
    Failed,

    /// <summary>Too many failures: the account is locked for a while.</summary>
    LockedOut,

    /// <summary>Password accepted; a code from the authenticator is needed.</summary>
    NeedsCode,

    /// <summary>Password accepted; the person must enrol an authenticator before going further.</summary>
    NeedsEnrolment,

    /// <summary>Fully signed in.</summary>
    SignedIn,
}

/// <summary>The outcome of a sign-in step, with the user when the password was right.</summary>
public sealed record SignInResult(SignInStatus Status, StaffUser? User)
{
    public static SignInResult Failed { get; } = new(SignInStatus.Failed, null);

    public static SignInResult LockedOut { get; } = new(SignInStatus.LockedOut, null);
}
