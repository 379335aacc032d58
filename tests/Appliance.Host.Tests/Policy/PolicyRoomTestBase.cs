using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;

namespace Appliance.Host.Tests.Policy;

/// <summary>
/// An appliance of its own per test (a tightened policy stays tightened), its first administrator as host, and the
/// sockets the test opened, closed afterwards.
/// </summary>
public abstract class PolicyRoomTestBase
{
    private readonly OpenSockets _sockets = new();

    protected TestAppliance Appliance { get; private set; } = null!;

    protected StaffSession Host { get; private set; } = null!;

    [SetUp]
    public async Task StartApplianceAsync()
    {
        Appliance = await TestAppliance.StartAsync();
        Host = await StaffSession.BootstrapAsync(Appliance, displayName: "Anna Jensen");
    }

    [TearDown]
    public async Task StopApplianceAsync()
    {
        await _sockets.CloseAllAsync();
        Host.Dispose();
        await Appliance.DisposeAsync();
    }

    private protected TestSocket Track(TestSocket socket) => _sockets.Track(socket);

    /// <summary>Books a meeting starting now, the host enters, then a guest with an invitation (waiting in the lobby).</summary>
    private protected async Task<(string MeetingId, Connected Host, Connected Guest, IssuedInvitation Invitation)> HostAndGuestAsync(string title, string guestName)
    {
        var meetingId = await RoomSteps.BookNowAsync(Host, title);
        var host = Track(await RoomSteps.HostEntersAsync(Host, meetingId));
        var (guest, invitation) = await RoomSteps.GuestEntersAsync(Host, meetingId, guestName);
        return (meetingId, host, Track(guest), invitation);
    }

    private protected Connected Track(Connected connected) => _sockets.Track(connected);
}
