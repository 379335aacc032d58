namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// One appliance for the whole fixture with its first administrator signed in, stopped after the fixture's last test.
/// A fixture that needs more (other staff, a meeting) adds its own one-time set-up, which NUnit runs after this one,
/// and its own one-time tear-down, which runs before this one.
/// </summary>
public abstract class ApplianceFixture
{
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
        Admin.Dispose();
        await Appliance.DisposeAsync();
    }

    /// <summary>Starts the fixture's appliance; a fixture that needs other settings or services overrides this.</summary>
    protected virtual Task<TestAppliance> StartApplianceAsync() => TestAppliance.StartAsync();

    /// <summary>Signs in the appliance's first administrator through the bootstrap link.</summary>
    protected virtual Task<StaffSession> BootstrapAdminAsync(TestAppliance appliance) => StaffSession.BootstrapAsync(appliance);
}
