using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Signalling;

/// <summary>
/// One appliance for the whole fixture, its first administrator signed in as host, and the signalling sockets each
/// test opened (see <see cref="Track(TestSocket)"/>), closed after the test.
/// </summary>
public abstract class SignallingRoomFixture : ApplianceFixture
{
    private readonly List<TestSocket> _sockets = [];

    /// <summary>The appliance's first administrator, who books and hosts the fixture's meetings.</summary>
    protected StaffSession Host => Admin;

    [TearDown]
    public async Task CloseSocketsAsync()
    {
        foreach (var socket in _sockets)
        {
            await socket.DisposeAsync();
        }

        _sockets.Clear();
    }

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
