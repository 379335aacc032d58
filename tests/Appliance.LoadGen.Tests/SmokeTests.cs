using Appliance.Crypto.Srtp;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen.Tests;

/// <summary>
/// A few seconds of the benchmark against each SFU, so that the generator and both drivers cannot rot: three
/// participants publish the trace in one meeting; packets must flow on every expected stream and latencies must be
/// measured. It says nothing about speed.
/// </summary>
[NonParallelizable]
public sealed class SmokeTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Three_participants_on_the_appliance_receive_every_stream_with_latencies_measured(CancellationToken cancellationToken)
    {
        var results = await LoadGenCommand.SmokeAsync("appliance", 3, SrtpProfile.AeadAes128Gcm, sfuCpus: null, TestContext.Progress, cancellationToken);

        AssertFlowing(results.Single(), "appliance");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Three_participants_on_janus_receive_every_stream_with_latencies_measured(CancellationToken cancellationToken)
    {
        Assert.That(Appliance.LoadGen.JanusSfu.JanusDriver.IsInstalled, Is.True, "janus is not installed: tests/run.sh installs it (apt-get install janus)");

        var results = await LoadGenCommand.SmokeAsync("janus", 3, SrtpProfile.AeadAes128Gcm, sfuCpus: null, TestContext.Progress, cancellationToken);

        AssertFlowing(results.Single(), "janus");
    }

    internal static void AssertFlowing(WorkloadResult result, string sfu)
    {
        Assert.Multiple(() =>
        {
            Assert.That(result.Sfu, Is.EqualTo(sfu));
            Assert.That(result.ExpectedStreams, Is.EqualTo(3 * 4), "each of 3 receives audio and video of the 2 others");
            Assert.That(result.SilentStreams, Is.Zero, "every expected stream delivers packets");
            Assert.That(result.ForwardedPacketsPerSecond, Is.GreaterThan(100));
            Assert.That(result.LatencySamples, Is.GreaterThan(100));
            Assert.That(result.LatencyP99Ms, Is.GreaterThanOrEqualTo(result.LatencyP50Ms));
            Assert.That(result.SfuCores, Is.GreaterThan(0), "the SFU's CPU is read from /proc");
            Assert.That(result.NegotiatedProfile, Is.EqualTo(nameof(SrtpProfile.AeadAes128Gcm)));
        });
    }
}
