using Appliance.Core.Localization;
using Appliance.Host.Signalling;

namespace Appliance.Host.Tests.Signalling;

/// <summary>Every error code and every room text exists in English, Danish and Swedish.</summary>
public sealed class SignallingTextsTests
{
    private static readonly Texts T = Texts.Embedded;

    private static IEnumerable<TestCaseData> Languages() => Texts.Languages.Select(l => new TestCaseData(l).SetName("Every_error_code_has_a_text_in_" + l));

    [TestCaseSource(nameof(Languages))]
    public void Every_error_code_has_a_text(string language)
    {
        var missing = SignalErrors.All.Select(SignalErrors.TextKey).Where(key => !T.KeysOf(language).Contains(key)).ToList();

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Danish_and_Swedish_have_every_room_and_lobby_text_English_has()
    {
        var english = T.KeysOf("en").Where(k => k.StartsWith("room.", StringComparison.Ordinal) || k.StartsWith("lobby.", StringComparison.Ordinal) ||
                                               k.StartsWith("signal.", StringComparison.Ordinal) || k.StartsWith("guest.join", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(english, Has.Count.GreaterThan(90));
            Assert.That(english.Except(T.KeysOf("da")), Is.Empty, "Danish");
            Assert.That(english.Except(T.KeysOf("sv")), Is.Empty, "Swedish");
            Assert.That(english.Where(k => T.Get("da", k) == T.Get("en", k) && k != "room.chat.title" && k != "room.chat.send"), Is.Empty, "Danish texts are translated");
        });
    }

    // WCAG 2.5.3 Label in Name: a button's accessible name ("Let in Bo Hansen") contains its visible text ("Let in"), so
    // that people who speak to their computer can say what they see.
    [TestCase("room.admit")]
    [TestCase("room.reject")]
    [TestCase("room.remove")]
    [TestCase("room.askunmute")]
    public void Action_labels_contain_the_visible_button_text_in_every_language(string key)
    {
        foreach (var language in Texts.Languages)
        {
            Assert.That(T.Get(language, key + ".label"), Does.Contain(T.Get(language, key)).IgnoreCase, language);
        }
    }

    [Test]
    public void Every_lobby_message_code_has_a_text()
    {
        foreach (var code in ClientMessageReader.LobbyCodes.Keys)
        {
            foreach (var language in Texts.Languages)
            {
                Assert.That(T.KeysOf(language), Does.Contain("lobby.code." + code), $"{language}: lobby.code.{code}");
            }
        }
    }
}
