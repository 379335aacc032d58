using System.Net;
using Appliance.Host.Media;

namespace Appliance.Host.Tests.Media;

/// <summary>Where browsers are told to send their media when the operator says nothing, and what a typo does.</summary>
public sealed class MediaOptionsTests
{
    [Test]
    public void Wildcard_bind_without_advertised_addresses_advertises_the_loopback()
    {
        Assert.That(new MediaOptions().ParseAdvertisedAddresses(), Is.EqualTo(new[] { IPAddress.Loopback }));
    }

    [Test]
    public void Specific_bind_without_advertised_addresses_advertises_the_bound_address()
    {
        var options = new MediaOptions { BindAddress = "192.0.2.10" };

        Assert.That(options.ParseAdvertisedAddresses(), Is.EqualTo(new[] { IPAddress.Parse("192.0.2.10") }));
    }

    [Test]
    public void Advertised_addresses_are_taken_in_order()
    {
        var options = new MediaOptions();
        options.AdvertisedAddresses.Add("198.51.100.7");
        options.AdvertisedAddresses.Add("10.0.0.5");

        Assert.That(options.ParseAdvertisedAddresses(), Is.EqualTo(new[] { IPAddress.Parse("198.51.100.7"), IPAddress.Parse("10.0.0.5") }));
    }

    [Test]
    public void Address_that_is_no_IP_address_stops_the_start_with_its_setting_named()
    {
        var options = new MediaOptions();
        options.AdvertisedAddresses.Add("meet.example.org");

        var refused = Assert.Throws<InvalidOperationException>(() => options.ParseAdvertisedAddresses());

        Assert.That(refused!.Message, Does.Contain("Appliance:Media:AdvertisedAddresses").And.Contain("meet.example.org"));
        Assert.Throws<InvalidOperationException>(() => new MediaOptions { BindAddress = "everywhere" }.ParseBindAddress());
    }

    [TestCase(null, 10000, 10000)]
    [TestCase(null, 0, 0)]
    [TestCase(4443, 10000, 4443)]
    [TestCase(-1, 10000, null)]
    public void TCP_port_defaults_to_the_UDP_ports_number_and_minus_one_turns_it_off(int? configured, int udpPort, int? expected)
    {
        Assert.That(new MediaOptions { Port = udpPort, TcpPort = configured }.ResolveTcpPort(), Is.EqualTo(expected));
    }

    [TestCase(-2)]
    [TestCase(65536)]
    public void TCP_port_that_is_no_port_stops_the_start_with_its_setting_named(int configured)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => new MediaOptions { TcpPort = configured }.ResolveTcpPort());

        Assert.That(refused!.Message, Does.Contain("Appliance:Media:TcpPort"));
    }

    [Test]
    public void Pending_TCP_connections_per_source_default_to_8_and_below_1_stop_the_start_with_the_setting_named()
    {
        Assert.That(new MediaOptions().ResolveTcpPendingPerSource(), Is.EqualTo(8));
        Assert.That(new MediaOptions { TcpPendingPerSource = 32 }.ResolveTcpPendingPerSource(), Is.EqualTo(32));

        var refused = Assert.Throws<InvalidOperationException>(() => new MediaOptions { TcpPendingPerSource = 0 }.ResolveTcpPendingPerSource());

        Assert.That(refused!.Message, Does.Contain("Appliance:Media:TcpPendingPerSource"));
    }
}
