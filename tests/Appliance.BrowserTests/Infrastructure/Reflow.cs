using Microsoft.Playwright;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// WCAG 1.4.10 (reflow): at 320 CSS pixels wide a page reads without scrolling sideways. Content that needs two
/// dimensions (a data table) may scroll inside its own region, never the page.
/// </summary>
internal static class Reflow
{
    public const int NarrowWidth = 320;

    // The outermost elements that stick out to the right, outside any scrolling region.
    private const string OverflowScript = """
        () => {
          const width = document.documentElement.clientWidth;
          const scrolls = (e) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
          const sticksOut = (e) => e.getBoundingClientRect().right > width + 0.5;
          const offenders = [];
          for (const e of document.body.querySelectorAll('*')) {
            if (!sticksOut(e)) continue;
            let inside = false;
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
              if (scrolls(a) || sticksOut(a)) { inside = true; break; }
            }
            if (!inside) offenders.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().replace(/\s+/g, '.') : '')
              + ' (right edge at ' + Math.round(e.getBoundingClientRect().right) + ' px)');
          }
          return [String(document.documentElement.scrollWidth), ...offenders];
        }
        """;

    /// <summary>Narrows the page's viewport to 320 px and fails the test if the page then scrolls sideways.</summary>
    public static async Task AssertFitsNarrowScreenAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.SetViewportSizeAsync(NarrowWidth, 640);
        var result = await page.EvaluateAsync<string[]>(OverflowScript);
        var scrollWidth = int.Parse(result[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(
            scrollWidth,
            Is.LessThanOrEqualTo(NarrowWidth),
            () => $"{name} is {scrollWidth} px wide at {NarrowWidth} px; sticking out: {string.Join(", ", result.Skip(1))}");
    }
}
