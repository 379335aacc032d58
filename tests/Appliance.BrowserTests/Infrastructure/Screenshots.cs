using Microsoft.Playwright;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// Full-page screenshots, at desktop and phone width, for a person to judge the design, taken only when APPLIANCE_SCREENSHOTS names a folder
/// (e.g. APPLIANCE_SCREENSHOTS=/tmp/shots); a normal run writes nothing.
/// </summary>
internal static class Screenshots
{
    public const string FolderVariable = "APPLIANCE_SCREENSHOTS";

    public static async Task TakeAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });

        // And at 320 CSS pixels, the width WCAG 1.4.10 (reflow) asks pages to fit without sideways scrolling.
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(320, 640);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + "-narrow.png"), FullPage = true });
        if (size is not null)
        {
            await page.SetViewportSizeAsync(size.Width, size.Height);
        }
    }
}
