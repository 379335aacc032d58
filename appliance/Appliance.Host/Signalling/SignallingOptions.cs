using Appliance.Core.Rooms;

namespace Appliance.Host.Signalling;

/// <summary>Settings of the signalling WebSocket (section "Appliance:Signalling").</summary>
public sealed class SignallingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Appliance:Signalling";

    /// <summary>Seconds a new connection has to send a good hello.</summary>
    public int HelloTimeoutSeconds { get; set; } = 10;

    /// <summary>Seconds between WebSocket pings from the server; a peer that does not answer within as long again is dropped.</summary>
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>Invalid messages within one minute at which the connection is closed (1008).</summary>
    public int MaxInvalidPerMinute { get; set; } = 20;

    /// <summary>Messages waiting to be sent to one connection; a consumer that falls this far behind is disconnected.</summary>
    public int OutgoingQueueLength { get; set; } = 256;

    /// <summary>Seconds one send may take before the consumer counts as stuck and is disconnected.</summary>
    public int SendTimeoutSeconds { get; set; } = 15;

    /// <summary>Messages per second one connection may send on average.</summary>
    public int MessagesPerSecond { get; set; } = 20;

    /// <summary>Messages one connection may send in a burst.</summary>
    public int MessageBurst { get; set; } = 40;

    /// <summary>
    /// Sealed sender keys (e2ee-key) one connection may send beyond the message rate: a sender sends one to every other
    /// participant at each change of the roster, up to 99 at once in a full meeting.
    /// </summary>
    public int SenderKeyBurst { get; set; } = 128;

    /// <summary>Sealed sender keys per second that refill <see cref="SenderKeyBurst"/>.</summary>
    public int SenderKeysPerSecond { get; set; } = 64;

    /// <summary>People in one meeting room, lobby included (the host always gets in); load tests raise it.</summary>
    public int MaxParticipants { get; set; } = RoomLimits.Default.MaxParticipants;
}
