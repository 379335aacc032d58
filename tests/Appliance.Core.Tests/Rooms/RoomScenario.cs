using Appliance.Core.Meetings;
using Appliance.Core.Rooms;

namespace Appliance.Core.Tests.Rooms;

/// <summary>A meeting that starts in five minutes, its room, and people entering it, on a clock that tests move.</summary>
internal sealed class RoomScenario
{
    public const string OrganiserId = "organiseraaaaaaaaaaaaaaaaa";

    public RoomScenario(RoomLimits? limits = null)
    {
        Time = new FakeTimeProvider();
        Meeting = MeetingAt(Time.GetUtcNow().AddMinutes(5));
        Room = new MeetingRoom(Meeting, Time, limits);
    }

    public FakeTimeProvider Time { get; }

    public Meeting Meeting { get; }

    public MeetingRoom Room { get; }

    public static Meeting MeetingAt(DateTimeOffset startsAt, MeetingStatus status = MeetingStatus.Scheduled) => new()
    {
        Id = "meetingaaaaaaaaaaaaaaaaaaa",
        Title = "Samtale om boligstøtte",
        StartsAt = startsAt,
        EndsAt = startsAt.AddHours(1),
        ClassificationId = "confidential",
        OrganiserId = OrganiserId,
        OrganiserName = "Anna Jensen",
        CreatedAt = startsAt.AddDays(-1),
        Status = status,
    };

    public static RoomEntrant Organiser => RoomEntrant.Staff(OrganiserId, "Anna Jensen");

    public static RoomEntrant Guest(string name) => RoomEntrant.Guest("inv" + name.ToUpperInvariant().PadRight(23, 'a')[..23].ToLowerInvariant(), name);

    /// <summary>The organiser enters; must be allowed.</summary>
    public Person Host() => Enter(Organiser);

    /// <summary>A guest enters; must be allowed (they wait in the lobby).</summary>
    public Person Waiting(string name) => Enter(Guest(name));

    /// <summary>A guest enters and the host lets them in.</summary>
    public Person Admitted(Person host, string name)
    {
        var guest = Waiting(name);
        Allowed(Room.Admit(host.Actor, guest.Id));
        return guest;
    }

    public Person Enter(RoomEntrant entrant, string? publicKey = null)
    {
        var entry = Room.Join(entrant, publicKey);
        Assert.That(entry.Decision.Refusal, Is.Null, $"{entrant.DisplayName} should get in");
        return new Person(entry.Participant!.Id, new RoomActor(entry.Participant.Id, entry.Connection), entry);
    }

    public static RoomDecision Allowed(RoomDecision decision)
    {
        Assert.That(decision.Refusal, Is.Null, "the operation should be allowed");
        return decision;
    }

    /// <summary>The deliveries of one kind of event.</summary>
    public static IReadOnlyList<Delivery> Of<TEvent>(RoomDecision decision)
        where TEvent : RoomEvent => decision.Deliveries.Where(d => d.Event is TEvent).ToList();

    /// <summary>The one delivery of a kind of event.</summary>
    public static (TEvent Event, IReadOnlyList<string> Recipients) Single<TEvent>(RoomDecision decision)
        where TEvent : RoomEvent
    {
        var deliveries = Of<TEvent>(decision);
        Assert.That(deliveries, Has.Count.EqualTo(1), $"one {typeof(TEvent).Name} delivery");
        return ((TEvent)deliveries[0].Event, deliveries[0].Recipients);
    }
}

/// <summary>Someone in the room: their id, the actor to act as, and how they entered.</summary>
internal sealed record Person(string Id, RoomActor Actor, RoomEntry Entry)
{
    public string ResumeToken => Entry.ResumeToken!;
}
