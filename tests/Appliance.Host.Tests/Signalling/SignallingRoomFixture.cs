using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// One appliance for the whole fixture, its first administrator signed in as host, and the signalling sockets each
/// test opened (see <see cref="Track(TestSocket)"/>), closed after the test.
/// </summary>
public abstract class SignallingRoomFixture
{
    private readonly List<TestSocket> _sockets = [];

    protected TestAppliance Appliance { get; private set; } = null!;

    protected StaffSession Host { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Appliance = await StartApplianceAsync();
        Host = await BootstrapHostAsync(Appliance);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Host.Dispose();
        await Appliance.DisposeAsync();
    }

    [TearDown]
    public async Task CloseSocketsAsync()
    {
        foreach (var socket in _sockets)
        {
            await socket.DisposeAsync();
        }

        _sockets.Clear();
    }

    /// <summary>Starts the fixture's appliance; a fixture that needs other settings or services overrides this.</summary>
    protected virtual Task<TestAppliance> StartApplianceAsync() => TestAppliance.StartAsync();

    /// <summary>Signs in the appliance's first administrator, who hosts the fixture's meetings.</summary>
    protected virtual Task<StaffSession> BootstrapHostAsync(TestAppliance appliance) => StaffSession.BootstrapAsync(appliance);

    private protected TestSocket Track(TestSocket socket)
    {
        _sockets.Add(socket);
        return socket;
    }

    private protected Connected Track(Connected connected)
    {
        ArgumentNullException.ThrowIfNull(connected);
        _sockets.Add(connected.Socket);
        return connected;
    }
}
