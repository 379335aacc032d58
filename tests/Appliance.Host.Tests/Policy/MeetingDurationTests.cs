using Appliance.Core.Audit;
using Appliance.Core.Policy;
using Appliance.Core.Rooms;
using Appliance.Host.Policy;
using Appliance.Host.Signalling;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Host.Tests.Signalling;
using Microsoft.Extensions.Logging.Abstractions;
using static Appliance.Host.Tests.Policy.PolicySteps;
using static Appliance.Host.Tests.Signalling.RoomSteps;

namespace Appliance.Host.Tests.Policy;

/// <summary>
/// The level's longest duration holds in running meetings: warnings 10 and 2 minutes before, then the end with its reason,
/// over real WebSocket participants; the limit is checked by a <see cref="MeetingDurationLimit"/> on a clock the test moves.
/// </summary>
public sealed class MeetingDurationTests : PolicyRoomTestBase
{
    [Test]
    public async Task A_running_meeting_is_warned_ten_and_two_minutes_before_its_level_limit_and_then_ended_for_everyone()
    {
        var (meetingId, host, guest, _) = await HostAndGuestAsync("Long review", "Bo Hansen");
        var room = Appliance.Service<MeetingRooms>().Find(meetingId)!;
        var limit = (await Appliance.Service<MeetingPolicy>().EffectiveControlsAsync(room.Meeting)).MaxDuration;
        var (clock, check) = Checker();
        var at = (TimeSpan beforeEnd) => clock.Set(room.StartedAt + limit - beforeEnd);

        at(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var tooEarly = await check();
        at(TimeSpan.FromMinutes(10));
        await check();
        var first = await host.Socket.ExpectAsync("ending-soon");
        var guestFirst = await guest.Socket.ExpectAsync("ending-soon");
        at(TimeSpan.FromMinutes(9));
        await check();
        at(TimeSpan.FromMinutes(2));
        await check();
        var second = await host.Socket.ExpectAsync("ending-soon");
        at(TimeSpan.FromSeconds(1));
        var stillRunning = await check();
        at(TimeSpan.Zero);
        var ended = await check();
        var end = await host.Socket.ExpectAsync("ended");
        var guestEnd = await guest.Socket.ExpectAsync("ended");
        var audited = await AuditEntryAsync(Appliance, e => e.Action == AuditAction.MeetingEnded && e.Target == meetingId);

        Assert.Multiple(() =>
        {
            Assert.That(tooEarly, Is.Zero);
            Assert.That(first.GetProperty("minutesLeft").GetInt32(), Is.EqualTo(10), "no warning before ten minutes are left");
            Assert.That(first.GetProperty("endsAt").GetDateTimeOffset(), Is.EqualTo(room.StartedAt + limit).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(first.GetProperty("reason").GetString(), Is.EqualTo("max-duration"));
            Assert.That(guestFirst.GetProperty("minutesLeft").GetInt32(), Is.EqualTo(10), "the lobby is warned too");
            Assert.That(second.GetProperty("minutesLeft").GetInt32(), Is.EqualTo(2), "the ten-minute warning is given once");
            Assert.That(stillRunning, Is.Zero);
            Assert.That(ended, Is.EqualTo(1));
            Assert.That(end.GetProperty("reason").GetString(), Is.EqualTo("max-duration"));
            Assert.That(guestEnd.GetProperty("reason").GetString(), Is.EqualTo("max-duration"));
            Assert.That(audited?.Actor, Is.EqualTo(PolicyAdministration.SystemActor));
            Assert.That(audited?.Details["reason"], Is.EqualTo("max-duration"));
            Assert.That(Appliance.Service<MeetingRooms>().Find(meetingId)?.IsEnded ?? true, Is.True);
        });
    }

    [Test]
    public async Task A_tightening_that_lowers_the_limit_ends_a_meeting_already_past_it_at_the_next_check()
    {
        var meetingId = await BookNowAsync(Host, "Ran long");
        var host = Track(await HostEntersAsync(Host, meetingId));
        var room = Appliance.Service<MeetingRooms>().Find(meetingId)!;
        var (clock, check) = Checker();
        clock.Set(room.StartedAt + TimeSpan.FromHours(1));
        var before = await check();

        await TightenAsync(Appliance, "internal", c => c with { MaxDuration = TimeSpan.FromMinutes(30) });
        await host.Socket.ExpectAsync("policy");
        var after = await check();
        var end = await host.Socket.ExpectAsync("ended");

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Zero, "an hour is within the level's eight");
            Assert.That(after, Is.EqualTo(1));
            Assert.That(end.GetProperty("reason").GetString(), Is.EqualTo("max-duration"));
            Assert.That(host.Socket.Seen.Select(TestSocket.TypeOf), Does.Not.Contain("ending-soon"), "past the limit already: no warning, the end");
        });
    }

    private (ManualClock Clock, Func<Task<int>> Check) Checker()
    {
        var clock = new ManualClock(TimeProvider.System.GetUtcNow());
        var limit = new MeetingDurationLimit(
            Appliance.Service<MeetingRooms>(), Appliance.Service<SignallingHub>(), Appliance.Service<MeetingPolicy>(), Appliance.Service<IAuditLog>(), clock,
            NullLogger<MeetingDurationLimit>.Instance);
        return (clock, () => limit.CheckOnceAsync());
    }
}
