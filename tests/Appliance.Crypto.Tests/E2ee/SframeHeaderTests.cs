using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public class SframeHeaderTests
{
    [TestCase("", TestName = "Empty input")]
    [TestCase("08", TestName = "Extended counter without its byte")]
    [TestCase("80", TestName = "Extended KID without its byte")]
    [TestCase("0f01020304050607", TestName = "Eight-byte counter cut short")]
    [TestCase("ff0100000000000000ffffffffffffff", TestName = "Both extended, counter cut short")]
    public void Truncated_headers_are_refused(string hex)
    {
        Assert.That(SframeHeader.TryRead(Convert.FromHexString(hex), out var header, out var length), Is.False);
        Assert.That((header, length), Is.EqualTo((default(SframeHeader), 0)));
    }

    [TestCase("0800", TestName = "Counter 0 written extended")]
    [TestCase("0807", TestName = "Counter 7 written extended")]
    [TestCase("090001", TestName = "Counter 1 with a leading zero byte")]
    [TestCase("0900ff", TestName = "Counter 255 with a leading zero byte")]
    [TestCase("8005", TestName = "KID 5 written extended")]
    [TestCase("9000ff", TestName = "KID 255 with a leading zero byte")]
    [TestCase("f000000000000000ff", TestName = "KID 255 in eight bytes")]
    public void Values_not_written_in_their_shortest_form_are_refused(string hex)
    {
        Assert.That(SframeHeader.TryRead(Convert.FromHexString(hex), out _, out _), Is.False);
    }

    [Test]
    public void Write_refuses_a_destination_that_is_too_short()
    {
        var header = new SframeHeader(256, 256);
        Assert.That(header.Length, Is.EqualTo(5));
        Assert.That(() => header.Write(new byte[4]), Throws.ArgumentException);
        Assert.That(header.Write(new byte[5]), Is.EqualTo(5));
    }

    [Test]
    public void The_longest_header_is_seventeen_bytes()
    {
        Assert.That(new SframeHeader(ulong.MaxValue, ulong.MaxValue).Length, Is.EqualTo(SframeHeader.MaxLength).And.EqualTo(17));
    }
}
