using Appliance.Core.Validation;

namespace Appliance.Core.Identity;

/// <summary>Rules for local accounts, after NIST SP 800-63B: length over composition, lockout against guessing.</summary>
public static class AccountRules
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 256;
    public const int MaxUserNameLength = 64;
    public const int MaxDisplayNameLength = 100;
    public const int MaxFailedSignIns = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan BootstrapLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxApiTokenLifetime = TimeSpan.FromDays(365);

    /// <summary>Validates a new account's fields and returns the normalised user name.</summary>
    public static (string? UserName, string? DisplayName) Validate(ValidationErrors errors, string? userName, string? displayName, string? password)
    {
        var name = Text.Required(errors, "userName", userName, MaxUserNameLength);
        if (name is not null && !IsValidUserName(name))
        {
            errors.Add("userName", Messages.InvalidCharacters);
            name = null;
        }

        var display = Text.Required(errors, "displayName", displayName, MaxDisplayNameLength);
        ValidatePassword(errors, "password", password, name);
#pragma warning disable CA1308 // user names are compared in lower case
        return (name?.ToLowerInvariant(), display);
#pragma warning restore CA1308
    }

    /// <summary>Checks a new password: long enough, not absurdly long, not the user name.</summary>
    public static void ValidatePassword(ValidationErrors errors, string field, string? password, string? userName)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(field, Messages.Required);
        }
        else if (password.Length < MinPasswordLength)
        {
            errors.Add(field, Messages.TooShort);
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors.Add(field, Messages.TooLong);
        }
        else if (userName is not null && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, Messages.PasswordTooWeak);
        }
        else if (password.Distinct().Count() < 5)
        {
            errors.Add(field, Messages.PasswordTooWeak);
        }
    }

    /// <summary>Letters, digits and . _ - only, starting with a letter or digit.</summary>
    public static bool IsValidUserName(string name) =>
        name.Length is > 0 and <= MaxUserNameLength &&
        char.IsAsciiLetterOrDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
