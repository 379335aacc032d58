using Appliance.Core.Classification;

namespace Appliance.Core.Tests.Classification;

public class ClassificationCatalogTests
{
    private static readonly string[] Locales = ["en", "da", "sv"];

    [Test]
    public void Basic_offers_open_internal_and_confidential_in_that_order()
    {
        Assert.That(ClassificationCatalog.Basic.Levels.Select(l => l.Id), Is.EqualTo(new[] { "open", "internal", "confidential" }));
    }

    [Test]
    public void Basic_requires_end_to_end_encryption_for_confidential_only()
    {
        Assert.That(
            ClassificationCatalog.Basic.Levels.Select(l => (l.Id, l.EndToEndEncryptionRequired)),
            Is.EqualTo(new[] { ("open", false), ("internal", false), ("confidential", true) }));
    }

    [Test]
    public void Basic_levels_have_distinct_increasing_ranks()
    {
        Assert.That(ClassificationCatalog.Basic.Levels.Select(l => l.Rank), Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void Basic_levels_have_a_name_and_a_marking_in_english_danish_and_swedish()
    {
        Assert.Multiple(() =>
        {
            foreach (var level in ClassificationCatalog.Basic.Levels)
            {
                foreach (var locale in Locales)
                {
                    Assert.That(level.Names.TryGetValue(locale, out var name) && !string.IsNullOrWhiteSpace(name), Is.True, $"{level.Id} name in {locale}");
                    Assert.That(level.Markings.TryGetValue(locale, out var marking) && !string.IsNullOrWhiteSpace(marking), Is.True, $"{level.Id} marking in {locale}");
                }
            }
        });
    }

    [Test]
    public void Basic_colours_are_valid_hex_colours()
    {
        Assert.That(ClassificationCatalog.Basic.Levels.Select(l => l.Colour), Has.All.Matches<string>(Contrast.IsHexColour));
    }

    [Test]
    public void Names_and_markings_are_given_in_the_requested_locale()
    {
        var open = ClassificationCatalog.Basic.Get("open");
        Assert.That(open.NameIn("da"), Is.EqualTo("Åben"));
        Assert.That(open.NameIn("sv"), Is.EqualTo("Öppen"));
        Assert.That(open.MarkingIn("en"), Is.EqualTo("OPEN"));
    }

    [Test]
    public void An_unknown_locale_falls_back_to_english()
    {
        var level = ClassificationCatalog.Basic.Get("confidential");
        Assert.That(level.NameIn("de"), Is.EqualTo("Confidential"));
        Assert.That(level.MarkingIn("fi"), Is.EqualTo("CONFIDENTIAL"));
    }

    [Test]
    public void TryGet_finds_a_known_level()
    {
        Assert.That(ClassificationCatalog.Basic.TryGet("internal", out var level), Is.True);
        Assert.That(level.Rank, Is.EqualTo(10));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("secret")]
    [TestCase("Internal")]
    [TestCase(" internal")]
    public void TryGet_refuses_an_unknown_id(string? id)
    {
        Assert.That(ClassificationCatalog.Basic.TryGet(id, out _), Is.False);
    }

    [Test]
    public void Get_throws_for_an_unknown_id()
    {
        Assert.That(() => ClassificationCatalog.Basic.Get("top-secret"), Throws.TypeOf<KeyNotFoundException>());
    }

    [Test]
    public void Levels_are_ordered_by_rank_whatever_order_they_are_given_in()
    {
        var catalog = new ClassificationCatalog([Level("c", 30), Level("a", 10), Level("b", 20), Level("z", -5)]);
        Assert.That(catalog.Levels.Select(l => l.Id), Is.EqualTo(new[] { "z", "a", "b", "c" }));
    }

    [Test]
    public void Duplicate_ids_are_refused()
    {
        Assert.That(() => new ClassificationCatalog([Level("a", 1), Level("a", 2)]), Throws.ArgumentException);
    }

    private static ClassificationLevel Level(string id, int rank) =>
        new(id, rank, new Dictionary<string, string> { ["en"] = id }, new Dictionary<string, string> { ["en"] = id.ToUpperInvariant() }, "#123456");
}
