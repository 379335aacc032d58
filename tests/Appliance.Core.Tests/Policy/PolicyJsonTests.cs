using System.Text.Json;
using Appliance.Core.Policy;

namespace Appliance.Core.Tests.Policy;

public sealed class PolicyJsonTests
{
    public static IEnumerable<PolicySet> Presets() => PolicyPresets.All;

    [TestCaseSource(nameof(Presets))]
    public void Every_preset_survives_a_round_trip(PolicySet preset)
    {
        var json = PolicyJson.Serialize(preset);

        Assert.That(PolicyJson.Deserialize(json), Is.EqualTo(preset));
    }

    [Test]
    public void Networks_and_authentication_are_written_readably()
    {
        var level = PolicyPresets.Basic.Get("confidential");
        var set = PolicyPresets.Basic.WithLevel(level.WithControls(level.Controls with
        {
            AllowedNetworks = ClientNetworks.Parse("10.0.0.0/8", "2001:db8::/32"),
            StaffAuthentication = new(AuthenticationLevel.Mfa, ["high"]),
        }));

        var json = PolicyJson.Serialize(set);

        Assert.That(json, Does.Contain("\"allowedNetworks\":[\"10.0.0.0/8\",\"2001:db8::/32\"]"));
        Assert.That(json, Does.Contain("\"staffAuthentication\":{\"level\":\"Mfa\",\"acceptedAcrValues\":[\"high\"]}"));
        Assert.That(PolicyJson.Deserialize(json), Is.EqualTo(set));
    }

    [TestCase("\"10.0.0.0/8\"", "\"10.0.0.1/8\"", "host bits")]
    [TestCase("\"Mfa\"", "\"Strong\"", "")]
    [TestCase("\"recordingAllowed\":false", "\"recordingAllowed\":false,\"surprise\":1", "")]
    public void A_damaged_policy_is_refused(string find, string replace, string reason)
    {
        var level = PolicyPresets.Basic.Get("confidential");
        var json = PolicyJson.Serialize(PolicyPresets.Basic.WithLevel(level.WithControls(level.Controls with { AllowedNetworks = ClientNetworks.Parse("10.0.0.0/8") })));
        Assert.That(json, Does.Contain(find));

        Assert.That(() => PolicyJson.Deserialize(json.Replace(find, replace, StringComparison.Ordinal)), Throws.InstanceOf<JsonException>().With.Message.Contains(reason));
    }
}
