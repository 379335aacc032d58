using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// One running appliance and one page of it for every E2EE test: the modules under /js/e2ee/ are imported there, as the
/// meeting page imports them, under the appliance's own Content-Security-Policy. The tests pass their data in as
/// arguments and get plain values back; no script is added to any page.
/// </summary>
[SetUpFixture]
public sealed class E2eePage
{
    // Hex in and out, so that byte strings cross between C# and the page as text.
    internal const string Helpers = """
        const hex = (text) => Uint8Array.from(String(text).match(/../g) ?? [], (pair) => parseInt(pair, 16));
        const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
        const utf8 = (text) => new TextEncoder().encode(text);
        """;

    private static TestAppliance? _appliance;
    private static IBrowserContext? _context;
    private static IPage? _page;
    private static readonly PageProblems Problems = new();

    [OneTimeSetUp]
    public async Task OpenAsync()
    {
        _appliance = await TestAppliance.StartAsync();
        _context = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(_appliance.BaseAddress.AbsoluteUri));
        Problems.Watch(_context);
        _page = await _context.NewPageAsync();
        await _page.GotoAsync("/signin");
    }

    [OneTimeTearDown]
    public async Task CloseAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }

        if (_appliance is not null)
        {
            await _appliance.DisposeAsync();
        }

        Assert.That(Problems.All, Is.Empty, "console errors or Content-Security-Policy violations");
    }

    /// <summary>
    /// Runs <paramref name="body"/> as the body of an async function of <c>arg</c> in the page, with <c>hex</c>,
    /// <c>toHex</c> and <c>utf8</c> at hand; the body imports the modules it needs.
    /// </summary>
    public static Task<T> RunAsync<T>(string body, object? arg = null) => RunAsync<T>(Engine.Chromium, body, arg);

    /// <summary>As <see cref="RunAsync{T}(string, object?)"/>, in the page or in Node.js.</summary>
    public static Task<T> RunAsync<T>(Engine engine, string body, object? arg = null)
    {
        if (engine == Engine.Node)
        {
            return NodeModules.RunAsync<T>(body, arg);
        }

        var page = _page ?? throw new InvalidOperationException("The E2EE page is opened by the set-up fixture.");
        return page.EvaluateAsync<T>($"async (arg) => {{\n{Helpers}\n{body}\n}}", arg);
    }
}

/// <summary>Where a test body runs: Chromium (what users run) or Node.js (a second opinion on the same modules).</summary>
public enum Engine
{
    Chromium,
    Node,
}
