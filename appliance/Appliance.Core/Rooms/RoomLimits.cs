namespace Appliance.Core.Rooms;

/// <summary>The numbers behind the room rules. The defaults are what the appliance runs with; tests may tighten them.</summary>
public sealed record RoomLimits
{
    /// <summary>The appliance's limits.</summary>
    public static RoomLimits Default { get; } = new();

    /// <summary>People in one room, lobby included (the host always gets in).</summary>
    public int MaxParticipants { get; init; } = 100;

    /// <summary>How long a participant whose connection dropped keeps their place.</summary>
    public TimeSpan ReconnectGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How early before the start guests (and staff who are not the host) can enter the lobby.</summary>
    public TimeSpan EarlyEntry { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after the booked end anyone can still enter.</summary>
    public TimeSpan LateEntry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Longest chat message, in UTF-16 code units after trimming.</summary>
    public int MaxChatLength { get; init; } = 2000;

    /// <summary>Chat messages one participant may send per <see cref="ChatWindow"/>.</summary>
    public int ChatMessagesPerWindow { get; init; } = 10;

    /// <summary>The window for <see cref="ChatMessagesPerWindow"/>.</summary>
    public TimeSpan ChatWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Chat messages kept in memory to replay to someone who reconnects (never stored on disk).</summary>
    public int ChatReplay { get; init; } = 100;

    /// <summary>Lobby messages one guest may send per <see cref="LobbyWindow"/>.</summary>
    public int LobbyMessagesPerWindow { get; init; } = 3;

    /// <summary>The window for <see cref="LobbyMessagesPerWindow"/>.</summary>
    public TimeSpan LobbyWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Full rosters one participant may ask for per <see cref="RosterRequestWindow"/> (a client asks after it missed an
    /// update; each answer is the size of the meeting).
    /// </summary>
    public int RosterRequestsPerWindow { get; init; } = 5;

    /// <summary>The window for <see cref="RosterRequestsPerWindow"/>.</summary>
    public TimeSpan RosterRequestWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Lobby messages kept per waiting guest (the oldest go first).</summary>
    public int LobbyMessagesKept { get; init; } = 10;
}
