using System.Text.RegularExpressions;
using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Accessibility;

/// <summary>The sign-in page with the keyboard alone: focus order, the skip link, and Enter to submit.</summary>
[TestFixture]
public sealed partial class KeyboardTests
{
    // What the focused element is: "#id" when it has one, otherwise its tag and visible text.
    private const string FocusedElement = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return 'body';
          return e.id ? '#' + e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim();
        }
        """;

    private TestAppliance _appliance = null!;
    private IBrowserContext _context = null!;
    private PageProblems _problems = null!;
    private IPage _page = null!;

    [OneTimeSetUp]
    public async Task StartApplianceAsync() => _appliance = await TestAppliance.StartAsync();

    [OneTimeTearDown]
    public async Task StopApplianceAsync()
    {
        // Null when the set-up failed before the appliance started.
        if (_appliance is not null)
        {
            await _appliance.DisposeAsync();
        }
    }

    [SetUp]
    public async Task OpenSignInPageAsync()
    {
        _context = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(_appliance.BaseAddress.AbsoluteUri));
        _problems = new PageProblems();
        _problems.Watch(_context);
        _page = await _context.NewPageAsync();
        await _page.GotoAsync("/signin");
        await Expect(_page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign in");
    }

    [TearDown]
    public async Task CloseBrowserAsync()
    {
        await _context.DisposeAsync();
        Assert.That(_problems.All, Is.Empty, "console errors or Content-Security-Policy violations");
    }

    [Test]
    public async Task Tab_reaches_the_skip_link_first_then_the_header_links_then_the_form_fields_in_order()
    {
        var order = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await _page.Keyboard.PressAsync("Tab");
            order.Add(await _page.EvaluateAsync<string>(FocusedElement));
        }

        Assert.That(order, Is.EqualTo(new[]
        {
            "a:Skip to content",
            "a:Meeting Appliance",
            "a:Dansk",
            "a:Svenska",
            "a:English",
            "#userName",
            "#password",
            "button:Continue",
        }));
    }

    [Test]
    public async Task The_skip_link_shows_when_focused_and_leads_to_the_form_where_Enter_submits()
    {
        await _page.Keyboard.PressAsync("Tab");
        var skipLink = _page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Expect(skipLink).ToBeFocusedAsync();
        await Expect(skipLink).ToBeInViewportAsync();

        await _page.Keyboard.PressAsync("Enter");
        await Expect(_page.Locator("main")).ToBeFocusedAsync();

        await _page.Keyboard.PressAsync("Tab");
        await Expect(_page.GetByLabel("User name", new() { Exact = true })).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("nobody");
        await _page.Keyboard.PressAsync("Tab");
        await Expect(_page.GetByLabel("Password", new() { Exact = true })).ToBeFocusedAsync();
        await _page.Keyboard.TypeAsync("not the password of anyone");

        await _page.Keyboard.PressAsync("Enter");

        // The form was posted: the appliance answers with its error, and the page moves focus to the error summary.
        var errors = _page.Locator("#errors");
        await Expect(errors).ToContainTextAsync("The user name or password is not right.");
        await Expect(errors).ToBeFocusedAsync();
        await Expect(_page).ToHaveURLAsync(SignInPage());
        await Expect(_page.GetByLabel("User name", new() { Exact = true })).ToHaveValueAsync("nobody");
        await Expect(_page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");
    }

    [GeneratedRegex("/signin$")]
    private static partial Regex SignInPage();
}
