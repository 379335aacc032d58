using Appliance.Media.Transport;

namespace Appliance.Media.Tests.Transport;

[TestFixture]
public sealed class BackgroundPriorityTests
{
    [Test]
    public void A_lowered_thread_runs_at_niceness_10_and_leaves_other_threads_alone()
    {
        Assume.That(OperatingSystem.IsLinux(), Is.True, "thread niceness is Linux's");
        int? before = null, after = null, other = null;
        var lowered = false;
        var thread = new Thread(() =>
        {
            before = BackgroundPriority.CurrentThreadNiceness();
            lowered = BackgroundPriority.LowerCurrentThread();
            after = BackgroundPriority.CurrentThreadNiceness();
        });
        thread.Start();
        thread.Join();
        other = BackgroundPriority.CurrentThreadNiceness();

        Assume.That(before, Is.EqualTo(0), "the test runs at the default priority");
        Assert.Multiple(() =>
        {
            Assert.That(lowered, Is.True);
            Assert.That(after, Is.EqualTo(BackgroundPriority.Niceness));
            Assert.That(other, Is.EqualTo(0), "only the calling thread");
        });
    }
}
