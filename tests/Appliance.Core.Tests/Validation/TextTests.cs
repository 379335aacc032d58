using Appliance.Core.Validation;

namespace Appliance.Core.Tests.Validation;

public class TextTests
{
    [Test]
    public void Clean_trims_surrounding_white_space()
    {
        Assert.That(Text.Clean("  \t Møde om sagen \n "), Is.EqualTo("Møde om sagen"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\r\n")]
    public void Clean_returns_null_for_nothing_or_white_space(string? value)
    {
        Assert.That(Text.Clean(value), Is.Null);
    }

    [Test]
    public void Clean_normalises_to_composed_form()
    {
        // "Ångström" written with combining ring and combining ring again: A + U+030A, o + U+0308.
        var decomposed = "A\u030Angstro\u0308m";
        var cleaned = Text.Clean(decomposed);
        Assert.That(cleaned, Is.EqualTo("\u00C5ngstr\u00F6m"));
        Assert.That(cleaned, Has.Length.EqualTo(8));
    }

    [TestCase("Plain text")]
    [TestCase("Æblegrød på Øresund, Åsa och Örjan")]
    [TestCase("Family \U0001F468\u200D\U0001F469\u200D\U0001F467 emoji with zero-width joiners")]
    [TestCase("Non-joiner\u200Cin Persian")]
    [TestCase("Thumbs \U0001F44D")]
    public void IsSafe_accepts_ordinary_text(string value)
    {
        Assert.That(Text.IsSafe(value, multiline: false), Is.True);
    }

    [TestCase("Invoice \u202Etxt.exe", TestName = "IsSafe_rejects_right_to_left_override_U202E")]
    [TestCase("a\u202Ab", TestName = "IsSafe_rejects_left_to_right_embedding_U202A")]
    [TestCase("a\u2066b\u2069", TestName = "IsSafe_rejects_left_to_right_isolate_U2066")]
    [TestCase("a\u2067b", TestName = "IsSafe_rejects_right_to_left_isolate_U2067")]
    [TestCase("a\u0000b", TestName = "IsSafe_rejects_NUL")]
    [TestCase("a\u0007b", TestName = "IsSafe_rejects_BEL")]
    [TestCase("a\u001Bb", TestName = "IsSafe_rejects_ESC")]
    [TestCase("a\u007Fb", TestName = "IsSafe_rejects_DEL")]
    [TestCase("a\u0085b", TestName = "IsSafe_rejects_C1_control_NEL")]
    [TestCase("a\uFEFFb", TestName = "IsSafe_rejects_zero_width_no_break_space")]
    public void IsSafe_rejects_characters_that_disguise_text(string value)
    {
        Assert.That(Text.IsSafe(value, multiline: true), Is.False);
        Assert.That(Text.IsSafe(value, multiline: false), Is.False);
    }

    // Lone surrogates cannot live in attribute arguments (metadata stores them as UTF-8, which turns them into U+FFFD),
    // so these strings are built at run time.
    private static IEnumerable<TestCaseData> UnpairedSurrogates()
    {
        yield return new TestCaseData("a" + (char)0xD83D + "b").SetName("IsSafe_rejects_an_unpaired_high_surrogate");
        yield return new TestCaseData("a" + (char)0xD83D).SetName("IsSafe_rejects_a_high_surrogate_at_the_end");
        yield return new TestCaseData("a" + (char)0xDC4D + "b").SetName("IsSafe_rejects_an_unpaired_low_surrogate");
        yield return new TestCaseData(new string([(char)0xDC4D, (char)0xD83D])).SetName("IsSafe_rejects_surrogates_in_the_wrong_order");
        yield return new TestCaseData(new string([(char)0xD83D, (char)0xD83D, (char)0xDC4D])).SetName("IsSafe_rejects_two_high_surrogates_before_a_low_one");
    }

    [TestCaseSource(nameof(UnpairedSurrogates))]
    public void IsSafe_rejects_unpaired_surrogates(string value)
    {
        Assert.That(value.Any(char.IsSurrogate), Is.True, "the test string must hold a surrogate");
        Assert.That(Text.IsSafe(value, multiline: true), Is.False);
        Assert.That(Text.IsSafe(value, multiline: false), Is.False);
    }

    [Test]
    public void Required_reports_invalid_characters_for_unpaired_surrogates_instead_of_throwing()
    {
        foreach (var value in UnpairedSurrogates().Select(c => (string)c.Arguments[0]!))
        {
            var errors = new ValidationErrors();
            Assert.That(Text.Required(errors, "title", " " + value + " ", 20, multiline: true), Is.Null);
            Assert.That(errors.All(), Is.EqualTo(new[] { ("title", Messages.InvalidCharacters) }));
        }
    }

    [TestCase("line one\nline two")]
    [TestCase("line one\r\nline two")]
    [TestCase("column\tcolumn")]
    public void IsSafe_allows_line_breaks_and_tabs_only_when_multiline(string value)
    {
        Assert.That(Text.IsSafe(value, multiline: true), Is.True);
        Assert.That(Text.IsSafe(value, multiline: false), Is.False);
    }

    [Test]
    public void Required_returns_the_cleaned_value_without_errors()
    {
        var errors = new ValidationErrors();
        var value = Text.Required(errors, "title", "  Samtale  ", 20);
        Assert.That(value, Is.EqualTo("Samtale"));
        Assert.That(errors.IsEmpty, Is.True);
    }

    [TestCase(null)]
    [TestCase("  ")]
    public void Required_reports_a_missing_value(string? input)
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Required(errors, "title", input, 20), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("title", Messages.Required) }));
    }

    [Test]
    public void Required_accepts_exactly_the_maximum_length_after_trimming()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Required(errors, "title", "  " + new string('x', 20) + "  ", 20), Has.Length.EqualTo(20));
        Assert.That(errors.IsEmpty, Is.True);
    }

    [Test]
    public void Required_reports_a_value_one_over_the_maximum_length()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Required(errors, "title", new string('x', 21), 20), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("title", Messages.TooLong) }));
    }

    [Test]
    public void Required_counts_length_after_normalisation()
    {
        // Ten decomposed "å" are twenty UTF-16 units but ten after NFC.
        var errors = new ValidationErrors();
        var value = Text.Required(errors, "name", string.Concat(Enumerable.Repeat("a\u030A", 10)), 10);
        Assert.That(value, Is.EqualTo(new string('\u00E5', 10)));
        Assert.That(errors.IsEmpty, Is.True);
    }

    [Test]
    public void Required_reports_unsafe_characters()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Required(errors, "title", "Report \u202Efdp.exe", 100), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("title", Messages.InvalidCharacters) }));
    }

    [Test]
    public void Required_single_line_refuses_an_inner_line_break()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Required(errors, "title", "one\ntwo", 100), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("title", Messages.InvalidCharacters) }));
    }

    [Test]
    public void Optional_multiline_keeps_line_breaks_and_turns_CRLF_into_LF()
    {
        var errors = new ValidationErrors();
        var value = Text.Optional(errors, "agenda", "1. Welcome\r\n2. Case\n3. Next steps", 100, multiline: true);
        Assert.That(value, Is.EqualTo("1. Welcome\n2. Case\n3. Next steps"));
        Assert.That(errors.IsEmpty, Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" \n ")]
    public void Optional_returns_null_without_error_for_nothing(string? input)
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Optional(errors, "agenda", input, 10, multiline: true), Is.Null);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [Test]
    public void Optional_reports_a_too_long_value()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Optional(errors, "agenda", new string('x', 11), 10), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("agenda", Messages.TooLong) }));
    }

    [Test]
    public void Optional_reports_unsafe_characters()
    {
        var errors = new ValidationErrors();
        Assert.That(Text.Optional(errors, "agenda", "ok\u2066hidden", 100, multiline: true), Is.Null);
        Assert.That(errors.All(), Is.EqualTo(new[] { ("agenda", Messages.InvalidCharacters) }));
    }

    [TestCase("anna@kommune.dk", true)]
    [TestCase("bo.jensen+sag@region.example.se", true)]
    [TestCase("ærø@kommune.dk", true)]
    [TestCase("a@b.c", true)]
    [TestCase("", false)]
    [TestCase("anna", false)]
    [TestCase("@kommune.dk", false)]
    [TestCase("anna@", false)]
    [TestCase("anna@kommune", false)]
    [TestCase("anna@@kommune.dk", false)]
    [TestCase("anna@bo@kommune.dk", false)]
    [TestCase("anna@.kommune.dk", false)]
    [TestCase("anna@kommune.dk.", false)]
    [TestCase("anna jensen@kommune.dk", false)]
    [TestCase("anna@kommune .dk", false)]
    [TestCase("anna@kommune.dk\t", false)]
    public void LooksLikeEmail_accepts_only_simple_addresses(string value, bool expected)
    {
        Assert.That(Text.LooksLikeEmail(value), Is.EqualTo(expected));
    }

    [Test]
    public void LooksLikeEmail_refuses_addresses_over_254_characters()
    {
        var domain = "@kommune.dk";
        Assert.That(Text.LooksLikeEmail(new string('a', 254 - domain.Length) + domain), Is.True);
        Assert.That(Text.LooksLikeEmail(new string('a', 255 - domain.Length) + domain), Is.False);
    }
}
