using Appliance.BrowserTests.Infrastructure;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Accessibility;

/// <summary>The meeting room with the keyboard alone: join from the pre-join check, the controls in order, toggles, chat.</summary>
[TestFixture]
public sealed class MeetingKeyboardTests
{
    private const string FocusedId = "() => document.activeElement?.id ?? ''";

    [Test]
    public async Task Host_joins_toggles_the_microphone_and_chats_with_the_keyboard_alone()
    {
        await using var appliance = await TestAppliance.StartAsync();
        var problems = new PageProblems();
        await using var staff = await BrowserRun.Browser.NewContextAsync(ChromiumBrowser.ContextOptions(appliance.BaseAddress.AbsoluteUri));
        problems.Watch(staff);
        var page = await staff.NewPageAsync();
        await StaffSteps.BootstrapAdministratorAsync(page, appliance.BootstrapLink!, StaffSteps.Administrator);
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        await StaffSteps.BookMeetingAsync(page, StaffSteps.InternalMeeting() with { StartsAt = start, EndsAt = start.AddHours(1) });
        await page.GotoAsync(new Uri(page.Url).AbsolutePath + "/room");
        await Expect(page.Locator("#prejoin-status")).ToHaveTextAsync("Ready. You can join the meeting.");

        await page.Locator("#no-microphone").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.That(await page.EvaluateAsync<string>(FocusedId), Is.EqualTo("join"), "Join now follows the choices");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#meeting")).ToBeVisibleAsync();
        Assert.That(await page.EvaluateAsync<string>(FocusedId), Is.EqualTo("meeting-title"), "focus moves into the meeting");

        var order = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>(FocusedId));
        }

        Assert.That(order, Is.EqualTo(new[] { "microphone", "camera", "share", "view", "hand", "lock", "end", "leave" }));

        await page.Locator("#microphone").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#microphone")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#roster")).ToContainTextAsync("microphone off");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#microphone")).ToHaveAttributeAsync("aria-pressed", "false");

        await page.Locator("#chat-text").FocusAsync();
        await page.Keyboard.TypeAsync("Typed, not clicked");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#chat-log")).ToContainTextAsync("Typed, not clicked");
        await Expect(page.Locator("#chat-text")).ToHaveValueAsync("");

        Assert.That(problems.All, Is.Empty, "console errors, script errors or Content-Security-Policy violations on the way");
    }
}
