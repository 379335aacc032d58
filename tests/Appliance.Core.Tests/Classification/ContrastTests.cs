using Appliance.Core.Classification;

namespace Appliance.Core.Tests.Classification;

public class ContrastTests
{
    private const double WcagAaNormalText = 4.5;

    [Test]
    public void Black_on_white_is_the_maximum_ratio_of_21()
    {
        Assert.That(Contrast.Ratio("#000000", "#ffffff"), Is.EqualTo(21.0).Within(1e-9));
        Assert.That(Contrast.Ratio("#FFFFFF", "#000000"), Is.EqualTo(21.0).Within(1e-9));
    }

    [TestCase("#000000")]
    [TestCase("#777777")]
    [TestCase("#b00020")]
    public void A_colour_against_itself_has_ratio_1(string colour)
    {
        Assert.That(Contrast.Ratio(colour, colour), Is.EqualTo(1.0).Within(1e-9));
    }

    // Values from the WCAG 2.1 definition of relative luminance.
    [TestCase("#000000", 0.0)]
    [TestCase("#ffffff", 1.0)]
    [TestCase("#ff0000", 0.2126)]
    [TestCase("#00ff00", 0.7152)]
    [TestCase("#0000ff", 0.0722)]
    [TestCase("#808080", 0.21586)]
    public void RelativeLuminance_follows_the_WCAG_formula(string colour, double expected)
    {
        Assert.That(Contrast.RelativeLuminance(colour), Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void Grey_777777_on_white_just_fails_AA()
    {
        // A well-known borderline case: #777 on white is about 4.48:1.
        Assert.That(Contrast.Ratio("#777777", "#ffffff"), Is.EqualTo(4.48).Within(0.01));
    }

    [TestCase("#ffffff", "#000000")]
    [TestCase("#f2c200", "#000000")]
    [TestCase("#000000", "#ffffff")]
    [TestCase("#b00020", "#ffffff")]
    [TestCase("#003366", "#ffffff")]
    public void BestTextColour_picks_the_more_contrasting_of_black_and_white(string background, string expected)
    {
        Assert.That(Contrast.BestTextColour(background), Is.EqualTo(expected));
    }

    [TestCase("#1b7f3b", true)]
    [TestCase("#ABCDEF", true)]
    [TestCase("1b7f3b", false)]
    [TestCase("#1b7f3", false)]
    [TestCase("#1b7f3b0", false)]
    [TestCase("#1b7g3b", false)]
    [TestCase("#1b f3b", false)]
    [TestCase("", false)]
    public void IsHexColour_accepts_only_hash_and_six_hex_digits(string value, bool expected)
    {
        Assert.That(Contrast.IsHexColour(value), Is.EqualTo(expected));
    }

    [TestCase("red")]
    [TestCase("#fff")]
    public void RelativeLuminance_refuses_a_colour_that_is_not_rrggbb(string value)
    {
        Assert.That(() => Contrast.RelativeLuminance(value), Throws.ArgumentException);
    }

    private static IEnumerable<TestCaseData> BasicLevels() =>
        ClassificationCatalog.Basic.Levels.Select(l => new TestCaseData(l.Id).SetName($"Banner_text_of_{l.Id}_reaches_WCAG_AA_contrast"));

    [TestCaseSource(nameof(BasicLevels))]
    public void Banner_text_reaches_WCAG_AA_contrast(string id)
    {
        var level = ClassificationCatalog.Basic.Get(id);
        Assert.That(Contrast.Ratio(level.TextColour, level.Colour), Is.GreaterThanOrEqualTo(WcagAaNormalText));
    }
}
