using Appliance.Core.Identity;
using Appliance.Core.Validation;

namespace Appliance.Core.Tests.Identity;

public class AccountRulesTests
{
    private static ValidationErrors CheckPassword(string? password, string? userName = "anna")
    {
        var errors = new ValidationErrors();
        AccountRules.ValidatePassword(errors, "password", password, userName);
        return errors;
    }

    [Test]
    public void A_long_varied_password_is_accepted()
    {
        Assert.That(CheckPassword("correct horse battery staple").IsEmpty, Is.True);
    }

    [TestCase(null, Messages.Required)]
    [TestCase("", Messages.Required)]
    [TestCase("abcdefghijk", Messages.TooShort)]
    public void A_missing_or_short_password_is_refused(string? password, string expected)
    {
        Assert.That(CheckPassword(password).All(), Is.EqualTo(new[] { ("password", expected) }));
    }

    [Test]
    public void Password_length_bounds_are_inclusive()
    {
        Assert.That(CheckPassword(Varied(AccountRules.MinPasswordLength)).IsEmpty, Is.True);
        Assert.That(CheckPassword(Varied(AccountRules.MaxPasswordLength)).IsEmpty, Is.True);
        Assert.That(CheckPassword(Varied(AccountRules.MinPasswordLength - 1)).All(), Is.EqualTo(new[] { ("password", Messages.TooShort) }));
        Assert.That(CheckPassword(Varied(AccountRules.MaxPasswordLength + 1)).All(), Is.EqualTo(new[] { ("password", Messages.TooLong) }));
    }

    [TestCase("my-anna-password-2026")]
    [TestCase("ANNA is my password")]
    public void A_password_containing_the_user_name_is_too_weak(string password)
    {
        Assert.That(CheckPassword(password, "anna").All(), Is.EqualTo(new[] { ("password", Messages.PasswordTooWeak) }));
    }

    [TestCase("aaaaaaaaaaaaaaaa")]
    [TestCase("abababababababab")]
    [TestCase("abcdabcdabcdabcd")]
    public void A_password_with_fewer_than_five_distinct_characters_is_too_weak(string password)
    {
        Assert.That(CheckPassword(password).All(), Is.EqualTo(new[] { ("password", Messages.PasswordTooWeak) }));
    }

    [Test]
    public void A_password_with_exactly_five_distinct_characters_is_accepted()
    {
        Assert.That(CheckPassword("abcdeabcdeabcde").IsEmpty, Is.True);
    }

    [TestCase("anna")]
    [TestCase("a")]
    [TestCase("9lives")]
    [TestCase("anna.b_jensen-2")]
    [TestCase("Anna")]
    public void Valid_user_names_are_accepted(string name)
    {
        Assert.That(AccountRules.IsValidUserName(name), Is.True);
    }

    [TestCase("")]
    [TestCase(".anna")]
    [TestCase("_anna")]
    [TestCase("-anna")]
    [TestCase("anna jensen")]
    [TestCase("anna@kommune.dk")]
    [TestCase("søren")]
    [TestCase("anna/../root")]
    [TestCase("ａnna")]
    public void User_names_outside_the_charset_are_refused(string name)
    {
        Assert.That(AccountRules.IsValidUserName(name), Is.False);
    }

    [Test]
    public void User_names_may_be_64_characters_but_not_65()
    {
        Assert.That(AccountRules.IsValidUserName(new string('a', 64)), Is.True);
        Assert.That(AccountRules.IsValidUserName(new string('a', 65)), Is.False);
    }

    [Test]
    public void Validate_lower_cases_the_user_name_and_cleans_the_display_name()
    {
        var errors = new ValidationErrors();
        var (userName, displayName) = AccountRules.Validate(errors, "  Anna.Jensen ", "  Anna Jensen ", "correct horse battery staple");
        Assert.That(errors.IsEmpty, Is.True);
        Assert.That(userName, Is.EqualTo("anna.jensen"));
        Assert.That(displayName, Is.EqualTo("Anna Jensen"));
    }

    [Test]
    public void Validate_reports_every_bad_field_at_once()
    {
        var errors = new ValidationErrors();
        var (userName, displayName) = AccountRules.Validate(errors, "anna jensen", null, "short");
        Assert.That(userName, Is.Null);
        Assert.That(displayName, Is.Null);
        Assert.That(errors.All(), Is.EquivalentTo(new[]
        {
            ("userName", Messages.InvalidCharacters),
            ("displayName", Messages.Required),
            ("password", Messages.TooShort),
        }));
    }

    private static string Varied(int length) =>
        string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));
}
