using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Policy;

/// <summary>Changing the running appliance's policy as a security officer would, and reading its audit log.</summary>
internal static class PolicySteps
{
    public static readonly StaffActor Officer = new("officer-sigrid", "Sigrid Officer", StaffRoles.SecurityOfficer);

    /// <summary>Tightens one level's controls; the change must come into force at once.</summary>
    public static async Task TightenAsync(TestAppliance appliance, string levelId, Func<PolicyControls, PolicyControls> change)
    {
        var administration = appliance.Service<PolicyAdministration>();
        var current = (await administration.CurrentAsync())!.Set;
        var level = current.Get(levelId);
        var result = await administration.ProposeAsync(Officer, current.WithLevel(level.WithControls(change(level.Controls))), "test tightening");
        if (!result.Succeeded || result.Value!.Applied is null || result.Value.Pending is not null)
        {
            throw new AssertionException($"The change was not a pure tightening: {result.Message}");
        }
    }

    /// <summary>Every audit entry so far.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> AuditAsync(TestAppliance appliance) =>
        await appliance.Service<IAuditLog>().ReadAsync(1, 100_000);

    /// <summary>Waits (briefly) for an audit entry, since some are written after the answer has gone out.</summary>
    public static async Task<AuditEntry?> AuditEntryAsync(TestAppliance appliance, Func<AuditEntry, bool> match)
    {
        for (var i = 0; i < 50; i++)
        {
            var found = (await AuditAsync(appliance)).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        return null;
    }
}
