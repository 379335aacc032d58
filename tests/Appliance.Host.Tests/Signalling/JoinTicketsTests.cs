using Appliance.Core.Rooms;
using Appliance.Host.Signalling;
using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Tests.Signalling;

/// <summary>Join tickets: one meeting, one person, two minutes, and nothing a client can forge or alter.</summary>
public sealed class JoinTicketsTests
{
    private readonly SteppingClock _clock = new();
    private readonly EphemeralDataProtectionProvider _protection = new();

    private JoinTickets Tickets => new(_protection, _clock);

    [Test]
    public void Ticket_says_who_may_enter_which_meeting()
    {
        var ticket = Tickets.IssueForGuest("meetingaaaaaaaaaaaaaaaaaaa", "invitationaaaaaaaaaaaaaaaa");

        var read = Tickets.Read(ticket);

        var expires = DateTimeOffset.FromUnixTimeSeconds((_clock.GetUtcNow() + TimeSpan.FromMinutes(2)).ToUnixTimeSeconds());
        Assert.That(read, Is.EqualTo(new JoinTicket(ParticipantKind.Guest, "meetingaaaaaaaaaaaaaaaaaaa", "invitationaaaaaaaaaaaaaaaa", expires)));
    }

    [Test]
    public void Ticket_expires_after_two_minutes()
    {
        var ticket = Tickets.IssueForStaff("meetingaaaaaaaaaaaaaaaaaaa", "useraaaaaaaaaaaaaaaaaaaaaa");

        _clock.Advance(TimeSpan.FromSeconds(119));
        var justInTime = Tickets.Read(ticket);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var tooLate = Tickets.Read(ticket);

        Assert.That(justInTime?.Kind, Is.EqualTo(ParticipantKind.Staff));
        Assert.That(tooLate, Is.Null);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("not base64url at all!")]
    public void Anything_that_is_not_our_ticket_reads_as_nothing(string? ticket)
    {
        Assert.That(Tickets.Read(ticket), Is.Null);
    }

    [Test]
    public void Ticket_from_another_appliance_reads_as_nothing()
    {
        var elsewhere = new JoinTickets(new EphemeralDataProtectionProvider(), _clock).IssueForStaff("meetingaaaaaaaaaaaaaaaaaaa", "useraaaaaaaaaaaaaaaaaaaaaa");

        Assert.That(Tickets.Read(elsewhere), Is.Null);
    }

    [Test]
    public void Cookie_or_other_protected_value_of_the_same_appliance_is_not_a_ticket()
    {
        var cookie = _protection.CreateProtector("Appliance.GuestSession.v1").Protect("guest|meetingaaaaaaaaaaaaaaaaaaa|x|99999999999");

        Assert.That(Tickets.Read(cookie), Is.Null);
    }

    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 24, 9, 45, 12, 345, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
