using Appliance.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace Appliance.BrowserTests;

/// <summary>
/// One Playwright driver and one Chromium for the whole run: starting the browser is the slow part, a context per test
/// is cheap and isolates cookies.
/// </summary>
[SetUpFixture]
public sealed class BrowserRun
{
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    /// <summary>The shared headless Chromium.</summary>
    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is started by the set-up fixture.");

    [OneTimeSetUp]
    public async Task StartBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await ChromiumBrowser.LaunchAsync(_playwright);
    }

    [OneTimeTearDown]
    public async Task StopBrowserAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
    }
}
