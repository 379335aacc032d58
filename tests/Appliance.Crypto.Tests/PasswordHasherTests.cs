namespace Appliance.Crypto.Tests;

public class PasswordHasherTests
{
    // Small costs keep the tests fast; the format and the comparison do not depend on them.
    private static readonly Argon2Parameters Cheap = new(64, 1, 1);

    // Well-formed 16-byte salt and 32-byte hash, for parsing tests that never reach Argon2.
    private const string Salt = "c29tZXNhbHRzb21lc2FsdA";
    private const string Tag = "dyH1D8A96Ow2828D1sDA+YL86LtyFdjEwiMJVWGS5Pg";

    // PHC strings printed by the reference implementation's CLI (Debian package argon2, 20190702), e.g.
    // echo -n "correct horse battery staple" | argon2 somesaltsomesalt -id -t 2 -m 10 -p 2 -l 32 -e
    private static readonly object[] ReferenceHashes =
    [
        new object[] { "correct horse battery staple", "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$dyH1D8A96Ow2828D1sDA+YL86LtyFdjEwiMJVWGS5Pg" },
        new object[] { "pässwörd", "$argon2id$v=19$m=256,t=3,p=1$MDEyMzQ1Njc4OWFiY2RlZg$cYjram/YKN2efoxeMjqC1jntrbqBTdkkMadglpoLHc4" },
    ];

    [Test]
    public void DeriveRaw_matches_the_RFC_9106_Argon2id_test_vector()
    {
        // RFC 9106 section 5.3 (Argon2id): password 32 x 0x01, salt 16 x 0x02, secret 8 x 0x03,
        // associated data 12 x 0x04, m=32 KiB, t=3, p=4, 32-byte tag.
        var password = Enumerable.Repeat((byte)0x01, 32).ToArray();
        var salt = Enumerable.Repeat((byte)0x02, 16).ToArray();
        var secret = Enumerable.Repeat((byte)0x03, 8).ToArray();
        var associatedData = Enumerable.Repeat((byte)0x04, 12).ToArray();
        const string expectedTag = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";

        var tag = PasswordHasher.DeriveRaw(password, salt, secret, associatedData, new Argon2Parameters(32, 3, 4), 32);

        Assert.That(Convert.ToHexStringLower(tag), Is.EqualTo(expectedTag));
    }

    [TestCaseSource(nameof(ReferenceHashes))]
    public void Verify_accepts_hashes_made_by_the_reference_implementation(string password, string phc)
    {
        Assert.That(PasswordHasher.Verify(password, phc), Is.True);
    }

    [TestCaseSource(nameof(ReferenceHashes))]
    public void Verify_rejects_a_wrong_password_against_reference_hashes(string password, string phc)
    {
        Assert.That(PasswordHasher.Verify(password + "!", phc), Is.False);
    }

    [Test]
    public void Hash_writes_a_PHC_string_with_the_default_parameters()
    {
        var phc = PasswordHasher.Hash("hunter2");

        Assert.That(phc, Does.Match(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$"));
    }

    [Test]
    public void Hash_then_Verify_round_trips_with_the_default_parameters()
    {
        var phc = PasswordHasher.Hash("correct horse battery staple");

        Assert.That(PasswordHasher.Verify("correct horse battery staple", phc), Is.True);
    }

    [Test]
    public void Hash_then_Verify_round_trips_with_custom_parameters()
    {
        var parameters = new Argon2Parameters(256, 3, 2);
        var phc = PasswordHasher.Hash("pässwörd 🔑", parameters);

        Assert.That(phc, Does.StartWith("$argon2id$v=19$m=256,t=3,p=2$"));
        Assert.That(PasswordHasher.Verify("pässwörd 🔑", phc), Is.True);
    }

    [Test]
    public void Hash_uses_a_fresh_salt_each_time()
    {
        var first = PasswordHasher.Hash("same", Cheap);
        var second = PasswordHasher.Hash("same", Cheap);

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(first.Split('$')[4], Is.Not.EqualTo(second.Split('$')[4]));
    }

    [Test]
    public void Verify_rejects_a_wrong_password()
    {
        var phc = PasswordHasher.Hash("right", Cheap);

        Assert.That(PasswordHasher.Verify("wrong", phc), Is.False);
        Assert.That(PasswordHasher.Verify("Right", phc), Is.False);
        Assert.That(PasswordHasher.Verify("", phc), Is.False);
    }

    [Test]
    public void Verify_rejects_a_tampered_hash()
    {
        var phc = PasswordHasher.Hash("secret", Cheap);
        var fields = phc.Split('$');
        fields[5] = (fields[5][0] == 'A' ? 'B' : 'A') + fields[5][1..];

        Assert.That(PasswordHasher.Verify("secret", string.Join('$', fields)), Is.False);
    }

    [Test]
    public void Verify_rejects_a_tampered_salt()
    {
        var phc = PasswordHasher.Hash("secret", Cheap);
        var fields = phc.Split('$');
        fields[4] = (fields[4][0] == 'A' ? 'B' : 'A') + fields[4][1..];

        Assert.That(PasswordHasher.Verify("secret", string.Join('$', fields)), Is.False);
    }

    [Test]
    public void Verify_rejects_tampered_parameters()
    {
        var phc = PasswordHasher.Hash("secret", Cheap);

        Assert.That(PasswordHasher.Verify("secret", phc.Replace("t=1,", "t=2,", StringComparison.Ordinal)), Is.False);
        Assert.That(PasswordHasher.Verify("secret", phc.Replace("m=64,", "m=72,", StringComparison.Ordinal)), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not a hash")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag + "$")]
    [TestCase("argon2id$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2i$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2d$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$ARGON2ID$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=16$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$m=64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$t=1,m=64,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1,k=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=+64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m= 64,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=99999999999,t=1,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=0,p=1$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=0$" + Salt + "$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt + "==$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt + "$" + Tag + "=")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$c29t ZXNhbHRzb21lc2FsdA$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA-$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$c29tZQ$" + Tag)]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt + "$AAAAAAAAAAAAAAAAAAAA")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$" + Salt + "$")]
    [TestCase("$argon2id$v=19$m=64,t=1,p=1$$" + Tag)]
    public void Verify_returns_false_for_malformed_hashes(string? phc)
    {
        Assert.That(PasswordHasher.Verify("password", phc!), Is.False);
        Assert.That(PasswordHasher.ReadParameters(phc!), Is.Null);
    }

    [TestCase("m=1048577,t=1,p=1")]
    [TestCase("m=2147483647,t=1,p=1")]
    [TestCase("m=64,t=101,p=1")]
    [TestCase("m=256,t=1,p=17")]
    [TestCase("m=15,t=1,p=2")]
    [TestCase("m=127,t=1,p=16")]
    public void Verify_refuses_parameters_that_would_let_stored_data_exhaust_the_server(string costs)
    {
        var phc = $"$argon2id$v=19${costs}${Salt}${Tag}";

        Assert.That(PasswordHasher.Verify("password", phc), Is.False);
        Assert.That(PasswordHasher.ReadParameters(phc), Is.Null);
    }

    [Test]
    public void Verify_returns_false_for_a_null_password()
    {
        var phc = PasswordHasher.Hash("password", Cheap);

        Assert.That(PasswordHasher.Verify(null!, phc), Is.False);
    }

    [TestCase(8, 1, 2)]
    [TestCase(64, 0, 1)]
    [TestCase(64, 101, 1)]
    [TestCase(256, 1, 17)]
    [TestCase(1048577, 1, 1)]
    public void Hash_refuses_parameters_outside_the_accepted_bounds(int memory, int iterations, int parallelism)
    {
        Assert.That(() => PasswordHasher.Hash("password", new Argon2Parameters(memory, iterations, parallelism)),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ReadParameters_returns_the_costs_of_a_PHC_string()
    {
        var parameters = PasswordHasher.ReadParameters($"$argon2id$v=19$m=65536,t=3,p=4${Salt}${Tag}");

        Assert.That(parameters, Is.EqualTo(new Argon2Parameters(65536, 3, 4)));
    }

    [Test]
    public void ReadParameters_reads_what_Hash_wrote()
    {
        var parameters = new Argon2Parameters(128, 2, 3);

        Assert.That(PasswordHasher.ReadParameters(PasswordHasher.Hash("x", parameters)), Is.EqualTo(parameters));
    }

    [TestCase("m=19456,t=2,p=1", false)]
    [TestCase("m=65536,t=3,p=4", false)]
    [TestCase("m=19455,t=2,p=1", true)]
    [TestCase("m=4096,t=3,p=1", true)]
    [TestCase("m=19456,t=1,p=1", true)]
    [TestCase("m=65536,t=1,p=1", true)]
    public void NeedsRehash_is_true_only_below_the_default_costs(string costs, bool expected)
    {
        Assert.That(PasswordHasher.NeedsRehash($"$argon2id$v=19${costs}${Salt}${Tag}"), Is.EqualTo(expected));
    }

    [Test]
    public void NeedsRehash_is_false_for_a_fresh_default_hash()
    {
        Assert.That(PasswordHasher.NeedsRehash(PasswordHasher.Hash("password")), Is.False);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("$2b$12$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234")]
    public void NeedsRehash_is_true_for_hashes_it_cannot_read(string? phc)
    {
        Assert.That(PasswordHasher.NeedsRehash(phc!), Is.True);
    }

    [Test]
    public void Default_parameters_are_the_OWASP_minimum_for_Argon2id()
    {
        Assert.That(Argon2Parameters.Default, Is.EqualTo(new Argon2Parameters(19456, 2, 1)));
    }
}
