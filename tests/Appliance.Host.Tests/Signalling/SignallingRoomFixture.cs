using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// One appliance for the whole fixture, its first administrator signed in as host, and the signalling sockets each
/// test opened (see <see cref="Track(TestSocket)"/>), closed after the test.
/// </summary>
public abstract class SignallingRoomFixture : ApplianceFixture
{
    private readonly OpenSockets _sockets = new();

    /// <summary>The appliance's first administrator, who books and hosts the fixture's meetings.</summary>
    protected StaffSession Host => Admin;

    [TearDown]
    public Task CloseSocketsAsync() => _sockets.CloseAllAsync();

    private protected TestSocket Track(TestSocket socket) => _sockets.Track(socket);

    private protected Connected Track(Connected connected) => _sockets.Track(connected);
}
