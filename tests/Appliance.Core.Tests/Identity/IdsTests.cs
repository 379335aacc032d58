using Appliance.Core.Identity;

namespace Appliance.Core.Tests.Identity;

public class IdsTests
{
    [Test]
    public void A_new_id_is_26_lower_case_base32_characters()
    {
        var id = Ids.New();
        Assert.That(id, Does.Match("^[a-z2-7]{26}$"));
        Assert.That(Ids.LooksValid(id), Is.True);
    }

    [Test]
    public void Ten_thousand_new_ids_are_all_different()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.New()).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.All.Matches<string>(Ids.LooksValid));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("abcdefghijklmnopqrstuvwxy")]
    [TestCase("abcdefghijklmnopqrstuvwxyz2")]
    [TestCase("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    [TestCase("abcdefghijklmnopqrstuvwxy1")]
    [TestCase("abcdefghijklmnopqrstuvwxy8")]
    [TestCase("abcdefghijklmnopqrstuvwxy=")]
    [TestCase("abcdefghijklm/pqrstuvwxyz2")]
    [TestCase("../../../../../../etc/pass")]
    public void LooksValid_refuses_anything_not_shaped_like_an_id(string? value)
    {
        Assert.That(Ids.LooksValid(value), Is.False);
    }
}
