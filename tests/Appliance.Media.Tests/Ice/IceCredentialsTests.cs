using Appliance.Media.Ice;

namespace Appliance.Media.Tests.Ice;

public class IceCredentialsTests
{
    [Test]
    public void Generated_credentials_are_an_8_character_ufrag_and_a_24_character_password_of_ice_chars()
    {
        var credentials = IceCredentials.Generate();

        Assert.That(credentials.Ufrag, Has.Length.EqualTo(8));
        Assert.That(credentials.Password, Has.Length.EqualTo(24));
        Assert.That(credentials.Ufrag + credentials.Password, Has.All.Matches<char>(c => IceCredentials.IceChars.Contains(c)));
    }

    [Test]
    public void Generated_credentials_differ_each_time()
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < 1000; i++)
        {
            var credentials = IceCredentials.Generate();
            Assert.That(seen.Add(credentials.Ufrag), Is.True);
            Assert.That(seen.Add(credentials.Password), Is.True);
        }
    }

    [Test]
    public void Generation_uses_all_64_ice_chars()
    {
        var used = new HashSet<char>();
        for (var i = 0; i < 200; i++)
        {
            used.UnionWith(IceCredentials.Generate().Password);
        }

        Assert.That(used, Has.Count.EqualTo(64));
    }

    [TestCase("abc", "VOkJxbRl1RmTxUk/WvJxBt", TestName = "A_3_character_ufrag_is_refused")]
    [TestCase("ab:c", "VOkJxbRl1RmTxUk/WvJxBt", TestName = "A_ufrag_with_a_colon_is_refused")]
    [TestCase("evtj", "VOkJxbRl1RmTxUk/WvJxB", TestName = "A_21_character_password_is_refused")]
    [TestCase("evtj", "VOkJxbRl1RmTxUk WvJxBt", TestName = "A_password_with_a_space_is_refused")]
    public void Invalid_credentials_are_refused(string ufrag, string password)
    {
        Assert.That(() => new IceCredentials(ufrag, password), Throws.ArgumentException);
    }

    [Test]
    public void The_password_never_appears_in_ToString()
    {
        var credentials = new IceCredentials("evtj", "VOkJxbRl1RmTxUk/WvJxBt");

        Assert.That(credentials.ToString(), Does.Not.Contain(credentials.Password));
    }
}
