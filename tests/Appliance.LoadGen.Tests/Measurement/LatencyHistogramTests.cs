using Appliance.LoadGen.Measurement;

namespace Appliance.LoadGen.Tests.Measurement;

public sealed class LatencyHistogramTests
{
    [Test]
    public void Quantiles_are_exact_below_128_microseconds()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.Record(i);
        }

        Assert.Multiple(() =>
        {
            Assert.That(histogram.Quantile(0.5), Is.EqualTo(50));
            Assert.That(histogram.Quantile(0.99), Is.EqualTo(99));
            Assert.That(histogram.Quantile(1.0), Is.EqualTo(100));
        });
    }

    [TestCase(1_000)]
    [TestCase(4_999)]
    [TestCase(250_000)]
    [TestCase(12_345_678)]
    public void Large_values_come_back_within_two_percent(long microseconds)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(microseconds);

        Assert.That(histogram.Quantile(0.5), Is.EqualTo(microseconds).Within(2).Percent);
    }

    [Test]
    public void Merged_histograms_count_all_samples()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        b.Record(20_000);
        b.Record(-5);

        a.Add(b);

        Assert.Multiple(() =>
        {
            Assert.That(a.Count, Is.EqualTo(3));
            Assert.That(a.Quantile(0.34), Is.EqualTo(10));
            Assert.That(a.Quantile(0.0001), Is.EqualTo(0), "negative samples count as 0");
        });
    }
}
