using Appliance.Core.Identity;
using Appliance.Core.Invitations;
using Appliance.Core.Meetings;

namespace Appliance.Storage.Tests;

/// <summary>Records with every required field filled; tests override what they are about.</summary>
internal static class TestData
{
    /// <summary>A time with sub-millisecond ticks and a non-UTC offset, so that precision and offset handling show.</summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 3, 9, 30, 15, TimeSpan.FromHours(1)).AddTicks(1_234_567);

    public static StaffUser User(string id, string userName) => new()
    {
        Id = id,
        UserName = userName,
        DisplayName = $"Display {userName}",
        Roles = StaffRoles.Organiser,
        PasswordHash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
        SecurityStamp = $"stamp-{id}",
        CreatedAt = Now,
    };

    public static Meeting Meeting(string id, string organiserId) => new()
    {
        Id = id,
        Title = $"Meeting {id}",
        StartsAt = Now.AddDays(1),
        EndsAt = Now.AddDays(1).AddHours(1),
        ClassificationId = "internal",
        OrganiserId = organiserId,
        OrganiserName = "Alice Organiser",
        CreatedAt = Now,
    };

    public static Invitation Invitation(string id, string meetingId) => new()
    {
        Id = id,
        MeetingId = meetingId,
        GuestName = "Bob Citizen",
        TokenHash = $"hash-{id}",
        ExpiresAt = Now.AddDays(7),
        CreatedBy = "u1",
        CreatedAt = Now,
    };
}
