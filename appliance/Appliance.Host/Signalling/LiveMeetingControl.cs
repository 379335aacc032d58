using Appliance.AdminUi;

namespace Appliance.Host.Signalling;

/// <summary>The admin pages' hold on running meetings, through the hub so that everyone in them is told.</summary>
public sealed class LiveMeetingControl(SignallingHub hub) : ILiveMeetingControl
{
    /// <inheritdoc />
    public bool EndForEveryone(string meetingId) => hub.EndByOperator(meetingId);
}
