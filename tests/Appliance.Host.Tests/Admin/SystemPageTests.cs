using System.Net;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Admin;

/// <summary>The system page: certificate upload checks, TURN/SIP settings validation, backup.</summary>
public sealed class SystemPageTests : ApplianceFixture
{
    private static readonly Texts T = Texts.Embedded;
    private StaffSession _operator = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _operator = await AddStaffAsync("sys-operator", "Sam Systems", RoleNames.Operator);
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task A_valid_certificate_is_stored_private_for_the_next_start_and_audited()
    {
        var (cert, key) = Pem(Now.AddDays(-1), Now.AddDays(90));

        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", Forms.Fields(("CertificatePem", cert), ("KeyPem", key)), "/admin/system?handler=Certificate");

        AdminSteps.ExpectFine(page);
        var keyFile = Path.Combine(Appliance.DataDirectory, "tls", "uploaded.key");
        var entries = await Appliance.Service<IAuditLog>().ReadAsync(1, 10_000);
        Assert.Multiple(() =>
        {
            Assert.That(page.Body, Does.Contain("next start"));
            Assert.That(page.Body, Does.Not.Contain("PRIVATE KEY"), "the key is not echoed");
            Assert.That(OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(entries.Any(e => e.Action == AuditAction.CertificateInstalled && e.Outcome == AuditOutcome.Success), Is.True);
        });
    }

    [Test]
    public async Task A_key_that_does_not_belong_to_the_certificate_is_refused()
    {
        var (cert, _) = Pem(Now.AddDays(-1), Now.AddDays(90));
        var (_, otherKey) = Pem(Now.AddDays(-1), Now.AddDays(90));

        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", Forms.Fields(("CertificatePem", cert), ("KeyPem", otherKey)), "/admin/system?handler=Certificate");

        Assert.That(string.Join(" ", Forms.ErrorSummary(page.Body)), Does.Contain(T.Get("en", "admin.system.cert.unreadable")));
    }

    [Test]
    public async Task An_expired_certificate_is_refused()
    {
        var (cert, key) = Pem(Now.AddDays(-30), Now.AddDays(-1));

        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", Forms.Fields(("CertificatePem", cert), ("KeyPem", key)), "/admin/system?handler=Certificate");

        Assert.That(string.Join(" ", Forms.ErrorSummary(page.Body)), Does.Contain(T.Get("en", "admin.system.cert.expired")));
    }

    [TestCase("TurnUris", "http://turn.example.org", "turnUris")]
    [TestCase("SipTrunkPort", "70000", "sipTrunkPort")]
    [TestCase("SipTransport", "SCTP", "sipTransport")]
    [TestCase("SipDialInNumber", "4533123456", "sipDialInNumber")]
    [TestCase("SipTrunkHost", "not a host!", "sipTrunkHost")]
    public async Task Invalid_network_settings_are_shown_with_their_field(string name, string value, string field)
    {
        var fields = NetworkFields();
        fields.RemoveAll(f => f.Key == name);
        fields.Add(new(name, value));

        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", fields, "/admin/system?handler=Network");

        Assert.That(page.Body, Does.Contain($"href=\"#{field}\""));
    }

    [Test]
    public async Task Valid_network_settings_are_stored_and_shown_again()
    {
        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", NetworkFields(), "/admin/system?handler=Network");
        AdminSteps.ExpectFine(page);

        var again = await Forms.GetAsync(_operator.Client, "/admin/system");

        Assert.That(again.Body, Does.Contain("turns:turn.example.org:443?transport=tcp"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Backup_now_makes_a_private_folder_with_the_database_its_key_and_the_audit_log()
    {
        var page = await Forms.SubmitAsync(_operator.Client, "/admin/system", [], "/admin/system?handler=Backup");

        AdminSteps.ExpectFine(page);
        var folder = Directory.GetDirectories(Path.Combine(Appliance.DataDirectory, "backups")).Single();
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(files, Does.Contain("appliance.key").And.Contain("audit.log").And.Contain("backup.json"));
            Assert.That(files.Any(f => f!.EndsWith(".db", StringComparison.Ordinal)), Is.True, string.Join(", ", files));
            Assert.That(OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        });
    }

    private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private static List<KeyValuePair<string, string>> NetworkFields() => Forms.Fields(
        ("TurnUris", "turns:turn.example.org:443?transport=tcp"),
        ("TurnRealm", "example.org"),
        ("SipTrunkHost", "sip.example.org"),
        ("SipTrunkPort", "5061"),
        ("SipTransport", "TLS"),
        ("SipDialInNumber", "+4533123456"));

    private static (string Certificate, string Key) Pem(DateTimeOffset notBefore, DateTimeOffset notAfter) => TestCertificates.Pem(notBefore, notAfter);
}
