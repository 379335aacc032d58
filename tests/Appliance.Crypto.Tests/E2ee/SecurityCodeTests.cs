using System.Text.RegularExpressions;
using Appliance.Crypto.E2ee;

namespace Appliance.Crypto.Tests.E2ee;

public partial class SecurityCodeTests
{
    private static readonly byte[] Alice = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] Bob = Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static readonly byte[] Carol = Convert.FromHexString("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");

    [GeneratedRegex("^[0-9]{4} [0-9]{4} [0-9]{4}$")]
    private static partial Regex CodeShape();

    [Test]
    public void Every_known_answer_in_the_shared_test_data_is_reproduced()
    {
        using var document = TestData.Load("e2ee", "security-code.json");
        var cases = document.RootElement.GetProperty("cases").EnumerateArray().ToArray();
        Assert.That(cases, Has.Length.GreaterThanOrEqualTo(4));
        foreach (var vector in cases)
        {
            var epoch = vector.GetProperty("epoch").GetInt32();
            var keys = vector.GetProperty("publicKeys").EnumerateArray().Select(k => Convert.FromHexString(k.GetString()!)).ToArray();
            Assert.That(Convert.ToHexStringLower(SecurityCode.Digest(epoch, keys)), Is.EqualTo(vector.GetProperty("sha256").GetString()));
            Assert.That(SecurityCode.Compute(epoch, keys), Is.EqualTo(vector.GetProperty("code").GetString()));
        }
    }

    [Test]
    public void The_code_is_twelve_digits_in_three_groups_of_four_with_leading_zeros()
    {
        // Epoch 0 with Alice and Bob is a known answer whose value starts with a zero.
        Assert.That(SecurityCode.Compute(0, [Alice, Bob]), Is.EqualTo("0339 0497 9169"));
        for (var epoch = 0; epoch < 50; epoch++)
        {
            Assert.That(SecurityCode.Compute(epoch, [Alice, Bob, Carol]), Does.Match(CodeShape()));
        }
    }

    [Test]
    public void The_order_of_the_keys_does_not_matter()
    {
        var expected = SecurityCode.Compute(3, [Alice, Bob, Carol]);
        Assert.That(SecurityCode.Compute(3, [Carol, Alice, Bob]), Is.EqualTo(expected));
        Assert.That(SecurityCode.Compute(3, [Bob, Carol, Alice]), Is.EqualTo(expected));
    }

    [Test]
    public void The_code_changes_with_the_epoch_and_with_every_key()
    {
        var expected = SecurityCode.Compute(3, [Alice, Bob, Carol]);
        Assert.That(SecurityCode.Compute(4, [Alice, Bob, Carol]), Is.Not.EqualTo(expected));
        Assert.That(SecurityCode.Compute(3, [Alice, Bob]), Is.Not.EqualTo(expected));
        var mallory = (byte[])Carol.Clone();
        mallory[31] ^= 1;
        Assert.That(SecurityCode.Compute(3, [Alice, Bob, mallory]), Is.Not.EqualTo(expected));
    }

    [Test]
    public void Keys_that_are_not_32_bytes_and_negative_epochs_are_refused()
    {
        Assert.That(() => SecurityCode.Compute(1, [Alice, new byte[31]]), Throws.ArgumentException);
        Assert.That(() => SecurityCode.Compute(-1, [Alice]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
