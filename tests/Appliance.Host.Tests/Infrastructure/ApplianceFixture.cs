namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// One appliance for the whole fixture with its first administrator signed in, stopped after the fixture's last test.
/// Other staff come from <see cref="AddStaffAsync"/>; a fixture that needs more (a meeting, API clients) adds its own one-time set-up, which NUnit runs after this one,
/// and its own one-time tear-down, which runs before this one.
/// </summary>
public abstract class ApplianceFixture
{
    private readonly List<StaffSession> _staff = [];

    protected TestAppliance Appliance { get; private set; } = null!;

    protected StaffSession Admin { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Appliance = await StartApplianceAsync();
        Admin = await BootstrapAdminAsync(Appliance);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var session in _staff)
        {
            session.Dispose();
        }

        Admin.Dispose();
        await Appliance.DisposeAsync();
    }

    /// <summary>Creates a local account with one role, signed in; signed out when the fixture ends.</summary>
    protected async Task<StaffSession> AddStaffAsync(string userName, string displayName, string role)
    {
        var session = await Admin.CreateUserAsync(userName, displayName, role);
        _staff.Add(session);
        return session;
    }

    /// <summary>Starts the fixture's appliance; a fixture that needs other settings or services overrides this.</summary>
    protected virtual Task<TestAppliance> StartApplianceAsync() => TestAppliance.StartAsync();

    /// <summary>Signs in the appliance's first administrator through the bootstrap link.</summary>
    protected virtual Task<StaffSession> BootstrapAdminAsync(TestAppliance appliance) => StaffSession.BootstrapAsync(appliance);
}
