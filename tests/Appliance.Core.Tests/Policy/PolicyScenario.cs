using System.Net;
using Appliance.Core.Identity;
using Appliance.Core.Policy;

namespace Appliance.Core.Tests.Policy;

/// <summary>The people and meetings the policy tests decide about.</summary>
internal static class PolicyScenario
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public static readonly IPAddress Office = IPAddress.Parse("10.1.2.3");

    public static readonly IPAddress Home = IPAddress.Parse("203.0.113.7");

    /// <summary>An organiser signed in with password and TOTP from the office.</summary>
    public static PolicyActor Staff => PolicyActor.Staff("u-staff", StaffRoles.Organiser, Office, ["pwd", "otp"]);

    /// <summary>The same organiser, hosting the meeting.</summary>
    public static PolicyActor Host => Staff with { IsHost = true };

    /// <summary>An organiser signed in with a password only.</summary>
    public static PolicyActor PasswordStaff => PolicyActor.Staff("u-pwd", StaffRoles.Organiser, Office, ["pwd"]);

    public static PolicyActor GuestWithLink => PolicyActor.Guest("inv-1", GuestProof.Link, Home);

    public static PolicyActor GuestWithPin => PolicyActor.Guest("inv-2", GuestProof.LinkAndPin, Home);

    public static PolicyActor Caller => PolicyActor.SipCaller("sip:+4512345678@gateway");

    public static PolicyLevel Level(PolicyControls controls) => new(
        "test",
        5,
        new Dictionary<string, string> { ["en"] = "Test level", ["da"] = "Testniveau", ["sv"] = "Testnivå" },
        new Dictionary<string, string> { ["en"] = "TEST", ["da"] = "TEST", ["sv"] = "TEST" },
        "#1565c0",
        controls);

    /// <summary>A running one-hour meeting with three people in it, started ten minutes ago.</summary>
    public static PolicyContext Meeting(PolicyControls controls) => new()
    {
        MeetingId = "m-1",
        Level = Level(controls),
        ScheduledStart = Now.AddMinutes(-10),
        ScheduledEnd = Now.AddMinutes(50),
        StartedAt = Now.AddMinutes(-10),
        Now = Now,
        ParticipantCount = 3,
    };

    /// <summary>Open controls: everything allowed, from anywhere.</summary>
    public static PolicyControls Permissive => PolicyPresets.Open;
}
