using Appliance.Core.Policy;

namespace Appliance.Storage.Tests.Policy;

public sealed class LitePolicyStoreTests : StorageTestBase
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static PolicyVersion Version(int number, PolicySet? set = null) =>
        new((set ?? PolicyPresets.Swedish).WithVersion(number), number == 1 ? PolicyVersionKind.Installed : PolicyVersionKind.Tightened, At.AddHours(number), "u-alice", null,
            number == 1 ? [] : [new ControlChange("k2", PolicyControl.ChatAllowed, ChangeDirection.Tightened, "yes", "no")], "why");

    [Test]
    public async Task Versions_are_kept_in_order_and_read_back_equal()
    {
        using (var database = ApplianceDatabase.Open(Options, TimeProvider.System))
        {
            Assert.That(await database.Policies.FindCurrentAsync(), Is.Null);
            Assert.That(await database.Policies.TryAddVersionAsync(Version(1)), Is.True);
            Assert.That(await database.Policies.TryAddVersionAsync(Version(2)), Is.True);
        }

        var reopened = Open();
        var current = await reopened.Policies.FindCurrentAsync();
        var all = await reopened.Policies.ListVersionsAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(current!.Version, Is.EqualTo(2));
            Assert.That(current.Set, Is.EqualTo(PolicyPresets.Swedish.WithVersion(2)));
            Assert.That(current.Changes, Is.EqualTo(Version(2).Changes));
            Assert.That((current.Kind, current.AppliedAt, current.Comment), Is.EqualTo((PolicyVersionKind.Tightened, At.AddHours(2), "why")));
            Assert.That(all.Select(v => v.Version), Is.EqualTo(new[] { 1, 2 }));
            Assert.That((await reopened.Policies.ListVersionsAsync(2)).Single().Version, Is.EqualTo(2));
            Assert.That((await reopened.Policies.FindVersionAsync(1))!.Kind, Is.EqualTo(PolicyVersionKind.Installed));
        });
    }

    [TestCase(1)]
    [TestCase(3)]
    public async Task A_version_that_is_not_the_next_one_is_refused(int number)
    {
        var database = Open();
        await database.Policies.TryAddVersionAsync(Version(1));

        Assert.That(await database.Policies.TryAddVersionAsync(Version(number)), Is.False);
        Assert.That((await database.Policies.ListVersionsAsync()).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_additions_of_the_same_version_let_exactly_one_through()
    {
        var database = Open();
        await database.Policies.TryAddVersionAsync(Version(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => database.Policies.TryAddVersionAsync(Version(2)))));

        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public async Task A_pending_change_is_resolved_once()
    {
        var database = Open();
        var pending = new PendingPolicyChange("p-1", 1, PolicyPresets.Danish, [new ControlChange("uklassificeret", PolicyControl.MaxParticipants, ChangeDirection.Loosened, "50", "80")], "u-alice", At, null);
        await database.Policies.AddPendingAsync(pending);

        var listed = await database.Policies.ListPendingAsync();
        var first = await database.Policies.TryResolvePendingAsync(pending with { Status = PendingStatus.Approved, ResolvedBy = "u-bob", ResolvedAt = At.AddHours(1) });
        var second = await database.Policies.TryResolvePendingAsync(pending with { Status = PendingStatus.Rejected, ResolvedBy = "u-carl" });
        var stored = await database.Policies.FindPendingAsync("p-1");

        Assert.Multiple(async () =>
        {
            Assert.That(listed.Single().Proposed, Is.EqualTo(PolicyPresets.Danish));
            Assert.That((first, second), Is.EqualTo((true, false)));
            Assert.That((stored!.Status, stored.ResolvedBy, stored.ResolvedAt), Is.EqualTo((PendingStatus.Approved, "u-bob", (DateTimeOffset?)At.AddHours(1))));
            Assert.That(await database.Policies.ListPendingAsync(), Is.Empty);
        });
    }
}
