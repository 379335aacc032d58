using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>What a security officer does on /admin/policies, and what a running meeting shows afterwards.</summary>
internal static class PolicySteps
{
    /// <summary>
    /// On the policies page: turns screen sharing off for a level through its edit form, previews which booked meetings it
    /// reaches (<paramref name="meetingTitle"/> among them), applies it and checks that it is in force at once.
    /// </summary>
    public static async Task TurnScreenSharingOffAsync(IPage officer, string levelName, string levelId, string meetingTitle, string reason)
    {
        await officer.GetByRole(AriaRole.Link, new() { Name = $"Change {levelName}" }).ClickAsync();
        await officer.GetByLabel("Screen sharing allowed").SelectOptionAsync("no");
        await officer.GetByLabel("Reason for the change").FillAsync(reason);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Preview affected meetings" }).ClickAsync();
        await Expect(officer.Locator(".preview")).ToContainTextAsync(meetingTitle);
        await Expect(officer.Locator(".preview")).ToContainTextAsync("Screen sharing allowed: Yes → No (tightened)");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Apply or propose" }).ClickAsync();
        await Expect(officer.GetByRole(AriaRole.Status).First).ToContainTextAsync("in force now");
        await Expect(officer.Locator($"#level-{levelId} + dl")).ToContainTextAsync(new Regex("Screen sharing allowed\\s+No"));
    }

    /// <summary>
    /// In a running meeting of the tightened level: the sharer's share has stopped, the share button stays off and
    /// disabled with the reason, and the reason is announced in the room's status region (role=status).
    /// </summary>
    public static async Task ExpectScreenShareStoppedByPolicyAsync(IPage sharer, string levelName)
    {
        var reason = new Regex($"{Regex.Escape(levelName)} was tightened");
        var share = sharer.GetByRole(AriaRole.Button, new() { Name = "Share screen" });
        await Expect(share).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(share).ToBeDisabledAsync();
        await Expect(share).ToHaveAttributeAsync("title", reason);
        await Expect(sharer.GetByRole(AriaRole.Status).And(sharer.Locator("#room-status"))).ToContainTextAsync(reason);
    }
}
