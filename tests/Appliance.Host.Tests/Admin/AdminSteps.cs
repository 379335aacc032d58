using System.Net;
using Appliance.AdminUi.Policies;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>Steps on the admin pages shared by the admin tests.</summary>
public static class AdminSteps
{
    /// <summary>The edit form of a level as the page fills it, with <paramref name="change"/> applied, as posted fields.</summary>
    public static async Task<List<KeyValuePair<string, string>>> LevelFormAsync(TestAppliance appliance, string levelId, Action<LevelForm> change, string comment = "")
    {
        ArgumentNullException.ThrowIfNull(appliance);
        ArgumentNullException.ThrowIfNull(change);
        var current = await appliance.Service<PolicyAdministration>().CurrentAsync()
            ?? throw new AssertionException("No policy is installed.");
        var form = LevelForm.From(current.Set.Get(levelId));
        form.Comment = comment;
        change(form);
        return typeof(LevelForm).GetProperties()
            .Select(p => new KeyValuePair<string, string>("Form." + p.Name, (string?)p.GetValue(form) ?? string.Empty))
            .ToList();
    }

    /// <summary>Posts the level form to a handler of the policies page (Propose or Preview).</summary>
    public static async Task<PageResponse> PostLevelAsync(StaffSession officer, List<KeyValuePair<string, string>> fields, string handler = "Propose")
    {
        ArgumentNullException.ThrowIfNull(officer);
        return await Forms.SubmitAsync(officer.Client, "/admin/policies", fields, "/admin/policies?handler=" + handler);
    }

    /// <summary>The controls of a level in force now.</summary>
    public static async Task<PolicyControls> ControlsAsync(TestAppliance appliance, string levelId)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var current = await appliance.Service<PolicyAdministration>().CurrentAsync();
        return current!.Set.Get(levelId).Controls;
    }

    /// <summary>Asserts a page was answered 200 with no error summary.</summary>
    public static void ExpectFine(PageResponse page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Status != HttpStatusCode.OK || Forms.ErrorSummary(page.Body).Count > 0)
        {
            throw new AssertionException($"Expected 200 without errors, got {(int)page.Status} {page.Location}: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
        }
    }
}
