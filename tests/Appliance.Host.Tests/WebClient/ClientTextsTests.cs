using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.WebClient;

namespace Appliance.Host.Tests.WebClient;

/// <summary>The web client's texts: served per language as a file, and complete for every key its scripts name.</summary>
public sealed partial class ClientTextsTests
{
    private TestAppliance _appliance = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _appliance = await TestAppliance.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _appliance.DisposeAsync();

    [TestCase("en", "Let in", "Check your camera and microphone")]
    [TestCase("da", "Luk ind", "Tjek dit kamera og din mikrofon")]
    [TestCase("sv", "Släpp in", "Kontrollera din kamera och mikrofon")]
    public async Task Texts_are_served_in_the_asked_language(string language, string admit, string prejoin)
    {
        using var client = _appliance.CreateClient();

        using var response = await client.GetAsync(new Uri(ClientTexts.PathFor(language), UriKind.Relative));
        var texts = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.False);
            Assert.That(texts["room.admit"], Is.EqualTo(admit));
            Assert.That(texts["prejoin.title"], Is.EqualTo(prejoin));
            Assert.That(texts.Keys.Where(k => !ClientTexts.Prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))), Is.Empty, "only the client's texts");
        });
    }

    [Test]
    public async Task Unknown_language_gets_English()
    {
        using var client = _appliance.CreateClient();

        var texts = await client.GetFromJsonAsync<Dictionary<string, string>>(new Uri(ClientTexts.Path + "?lang=xx", UriKind.Relative));

        Assert.That(texts!["room.admit"], Is.EqualTo("Let in"));
    }

    [Test]
    public void Version_changes_with_the_language()
    {
        Assert.That(ClientTexts.PathFor("da"), Is.Not.EqualTo(ClientTexts.PathFor("en")));
        Assert.That(ClientTexts.PathFor("xx"), Is.EqualTo(ClientTexts.PathFor("en")));
    }

    // A text a script names but no table has would show as its bare key.
    [Test]
    public void Every_text_the_scripts_name_exists_in_every_language()
    {
        var scripts = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "wwwroot", "js"), "*.js");
        var keys = scripts.SelectMany(file => TextCall().Matches(File.ReadAllText(file)).Select(m => m.Groups["key"].Value)).Distinct().ToList();

        Assert.That(keys, Has.Count.GreaterThan(40), "the scripts were found and read");
        Assert.Multiple(() =>
        {
            foreach (var language in Texts.Languages)
            {
                Assert.That(keys.Where(k => !Texts.Embedded.KeysOf(language).Contains(k)), Is.Empty, language);
            }

            Assert.That(keys.Where(k => !ClientTexts.Prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))), Is.Empty, "served to the client");
        });
    }

    [TestCase("da")]
    [TestCase("sv")]
    public void Every_client_text_is_in_Danish_and_Swedish(string language)
    {
        var english = Texts.Embedded.KeysOf("en").Where(k => ClientTexts.Prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)));

        Assert.That(english.Except(Texts.Embedded.KeysOf(language)), Is.Empty);
    }

    // Every quoted 'room.…', 'prejoin.…' or 'lobby.code.…' in the scripts is a text key; built keys are not seen.
    [GeneratedRegex("""['"](?<key>(?:room|prejoin|lobby\.code)\.[a-z.]+)['"]""")]
    private static partial Regex TextCall();
}
