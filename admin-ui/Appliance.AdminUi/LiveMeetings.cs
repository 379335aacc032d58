namespace Appliance.AdminUi;

/// <summary>What the admin pages may do to running meetings; the host provides it (it owns the signalling connections).</summary>
public interface ILiveMeetingControl
{
    /// <summary>Ends the meeting for everyone in it; false when it is not running.</summary>
    bool EndForEveryone(string meetingId);
}
