using System.Net;
using Appliance.Core.Policy;

namespace Appliance.Core.Tests.Policy;

public sealed class ClientNetworkTests
{
    [TestCase("10.0.0.0/8")]
    [TestCase("192.168.1.0/24")]
    [TestCase("203.0.113.7/32")]
    [TestCase("0.0.0.0/0")]
    [TestCase("2001:db8::/32")]
    [TestCase("fc00::/7")]
    [TestCase("::/0")]
    public void Valid_networks_parse_and_print_back(string cidr) =>
        Assert.That(ClientNetwork.Parse(cidr).ToString(), Is.EqualTo(cidr));

    [TestCase("10.0.0.1/8", "host bits")]
    [TestCase("2001:db8::1/32", "host bits")]
    [TestCase("10.0.0.0", "CIDR")]
    [TestCase("10.0.0.0/", "CIDR")]
    [TestCase("/8", "CIDR")]
    [TestCase("10.0.0.0/33", "prefix")]
    [TestCase("2001:db8::/129", "prefix")]
    [TestCase("10.0.0.0/-1", "prefix")]
    [TestCase("10.0.0.0/+8", "prefix")]
    [TestCase("10.0.0.0/ 8", "prefix")]
    [TestCase("example.org/8", "address")]
    [TestCase("::ffff:10.0.0.0/104", "address")]
    [TestCase("fe80::%1/64", "address")]
    [TestCase("", "CIDR")]
    public void Invalid_networks_are_refused_with_the_reason(string cidr, string reason)
    {
        Assert.That(ClientNetwork.TryParse(cidr, out _, out var problem), Is.False);
        Assert.That(problem, Does.Contain(reason));
    }

    [TestCase("10.0.0.0/8", "10.255.1.2", true)]
    [TestCase("10.0.0.0/8", "11.0.0.1", false)]
    [TestCase("10.0.0.0/8", "::ffff:10.1.1.1", true)]
    [TestCase("192.168.4.0/22", "192.168.7.255", true)]
    [TestCase("192.168.4.0/22", "192.168.8.0", false)]
    [TestCase("2001:db8::/32", "2001:db8:ffff::1", true)]
    [TestCase("2001:db8::/32", "2001:db9::1", false)]
    [TestCase("0.0.0.0/0", "2001:db8::1", false)]
    [TestCase("::/0", "10.0.0.1", false)]
    public void Contains_matches_addresses_of_its_family(string cidr, string address, bool expected) =>
        Assert.That(ClientNetwork.Parse(cidr).Contains(IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    public void Intersection_keeps_only_addresses_both_lists_admit()
    {
        var a = ClientNetworks.Parse("10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32");
        var b = ClientNetworks.Parse("10.20.0.0/16", "172.16.0.0/12", "::/0");

        Assert.That(a.Intersect(b), Is.EqualTo(ClientNetworks.Parse("10.20.0.0/16", "2001:db8::/32")));
        Assert.That(ClientNetworks.Anywhere.Intersect(a), Is.EqualTo(a));
        Assert.That(ClientNetworks.Parse("10.0.0.0/8").Intersect(ClientNetworks.Parse("11.0.0.0/8")).Networks, Is.Empty);
    }

    [Test]
    public void Lists_compare_by_content_whatever_the_order()
    {
        Assert.That(ClientNetworks.Parse("10.0.0.0/8", "fc00::/7"), Is.EqualTo(ClientNetworks.Parse("fc00::/7", "10.0.0.0/8", "10.0.0.0/8")));
        Assert.That(ClientNetworks.Parse("10.1.0.0/16").IsWithin(ClientNetworks.PrivateOnly), Is.True);
        Assert.That(ClientNetworks.PrivateOnly.IsWithin(ClientNetworks.Parse("10.1.0.0/16")), Is.False);
    }
}
