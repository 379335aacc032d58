using Appliance.Core.Invitations;

namespace Appliance.Storage.Tests.Invitations;

public sealed class LiteInvitationStoreTests : StorageTestBase
{
    private IInvitationStore _store = null!;

    [SetUp]
    public void OpenStore() => _store = Open().Invitations;

    [Test]
    public async Task An_invitation_with_every_field_set_round_trips_and_is_found_by_token_hash()
    {
        var invitation = TestData.Invitation("i1", "m1") with
        {
            PinHash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$cGlu",
            FailedPinAttempts = 2,
            RevokedAt = TestData.Now.AddHours(1),
        };
        await _store.AddAsync(invitation);

        Assert.That(await _store.FindAsync("i1"), Is.EqualTo(invitation));
        Assert.That(await _store.FindByTokenHashAsync("hash-i1"), Is.EqualTo(invitation));
        Assert.That(await _store.FindByTokenHashAsync("hash-other"), Is.Null);
    }

    [Test]
    public async Task An_invitation_with_optional_fields_empty_round_trips()
    {
        var invitation = TestData.Invitation("i1", "m1");
        await _store.AddAsync(invitation);

        var read = await _store.FindAsync("i1");

        Assert.That(read, Is.EqualTo(invitation));
        Assert.That(read!.PinHash, Is.Null);
        Assert.That(read.RevokedAt, Is.Null);
    }

    [Test]
    public async Task Invitations_are_listed_per_meeting()
    {
        await _store.AddAsync(TestData.Invitation("i2", "m1") with { CreatedAt = TestData.Now.AddMinutes(1) });
        await _store.AddAsync(TestData.Invitation("i1", "m1"));
        await _store.AddAsync(TestData.Invitation("i3", "m2"));

        Assert.That((await _store.ListByMeetingAsync("m1")).Select(i => i.Id), Is.EqualTo(new[] { "i1", "i2" }));
        Assert.That(await _store.ListByMeetingAsync("m3"), Is.Empty);
    }

    [Test]
    public async Task A_second_invitation_with_the_same_token_hash_is_refused()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1"));

        Assert.That(async () => await _store.AddAsync(TestData.Invitation("i2", "m1") with { TokenHash = "hash-i1" }), Throws.Exception);
        Assert.That(await _store.FindAsync("i2"), Is.Null);
    }

    [Test]
    public async Task An_updated_invitation_is_stored()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1"));
        var revoked = TestData.Invitation("i1", "m1") with { RevokedAt = TestData.Now.AddDays(1) };

        await _store.UpdateAsync(revoked);

        Assert.That(await _store.FindAsync("i1"), Is.EqualTo(revoked));
    }

    [Test]
    public async Task Failed_pin_attempts_count_up_from_the_stored_value()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1") with { FailedPinAttempts = 2 });

        Assert.That(await _store.IncrementFailedPinAttemptsAsync("i1"), Is.EqualTo(3));
        Assert.That(await _store.IncrementFailedPinAttemptsAsync("i1"), Is.EqualTo(4));
        Assert.That((await _store.FindAsync("i1"))!.FailedPinAttempts, Is.EqualTo(4));
    }

    [Test]
    public async Task Failed_pin_attempts_can_be_reset_to_zero()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1") with { FailedPinAttempts = 3, RevokedAt = TestData.Now });

        await _store.ResetFailedPinAttemptsAsync("i1");

        var read = await _store.FindAsync("i1");
        Assert.That(read!.FailedPinAttempts, Is.Zero);
        Assert.That(read.RevokedAt, Is.EqualTo(TestData.Now), "a reset changes nothing else");
        Assert.That(async () => await _store.ResetFailedPinAttemptsAsync("ghost"), Throws.InstanceOf<KeyNotFoundException>());
    }

    [Test]
    // Repeated: on a small machine a lost update shows only now and then.
    [Repeat(20)]
    public async Task Concurrent_failed_pin_attempts_are_all_counted()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1"));

        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var seen = new List<int>();
            for (var i = 0; i < 50; i++)
            {
                seen.Add(await _store.IncrementFailedPinAttemptsAsync("i1"));
            }

            return seen;
        })));

        Assert.That((await _store.FindAsync("i1"))!.FailedPinAttempts, Is.EqualTo(400));
        Assert.That(counts.SelectMany(c => c).Order(), Is.EqualTo(Enumerable.Range(1, 400)), "every increment saw its own count");
    }

    [Test]
    public void Counting_a_failed_pin_for_an_unknown_invitation_throws()
    {
        Assert.That(async () => await _store.IncrementFailedPinAttemptsAsync("ghost"), Throws.InstanceOf<KeyNotFoundException>());
    }

    [Test]
    public async Task Deleting_a_meetings_invitations_leaves_other_meetings_invitations()
    {
        await _store.AddAsync(TestData.Invitation("i1", "m1"));
        await _store.AddAsync(TestData.Invitation("i2", "m1") with { TokenHash = new string('b', 64) });
        await _store.AddAsync(TestData.Invitation("i3", "m2") with { TokenHash = new string('c', 64) });

        var deleted = await _store.DeleteByMeetingAsync("m1");

        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(2));
            Assert.That(await _store.ListByMeetingAsync("m1"), Is.Empty);
            Assert.That(await _store.FindAsync("i3"), Is.Not.Null);
        });
    }
}
