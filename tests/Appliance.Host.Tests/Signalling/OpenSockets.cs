namespace Appliance.Host.Tests.Signalling;

/// <summary>The signalling sockets a test or a fixture opened, closed together when it is done with them.</summary>
internal sealed class OpenSockets
{
    private readonly List<TestSocket> _sockets = [];

    public TestSocket Track(TestSocket socket)
    {
        _sockets.Add(socket);
        return socket;
    }

    public Connected Track(Connected connected)
    {
        ArgumentNullException.ThrowIfNull(connected);
        _sockets.Add(connected.Socket);
        return connected;
    }

    public async Task CloseAllAsync()
    {
        foreach (var socket in _sockets)
        {
            await socket.DisposeAsync();
        }

        _sockets.Clear();
    }
}
