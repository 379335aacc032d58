using System.Net;
using System.Text.RegularExpressions;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Security;

/// <summary>Response headers and what the pages may contain under them.</summary>
public sealed class SecurityHeadersTests : ApplianceFixture
{
    private string _meetingId = null!;
    private IssuedInvitation _invitation = null!;

    [OneTimeSetUp]
    public async Task PrepareAsync()
    {
        _meetingId = await MeetingPages.BookAsync(Admin, "Header meeting", "internal");
        _invitation = await MeetingPages.InviteAsync(Admin, _meetingId, "Hedda Header");
    }

    private static IEnumerable<string> AnonymousPaths() =>
        ["/", "/signin", "/j/not-a-valid-token", "/api/v1/meetings", "/healthz", "/css/site.css", "/css/markings.css", "/api/v1/openapi.json", "/no/such/page"];

    [TestCaseSource(nameof(AnonymousPaths))]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = Appliance.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = Header(response, "Content-Security-Policy");
        Assert.Multiple(() =>
        {
            Assert.That(csp, Does.Contain("default-src 'self'"));
            Assert.That(csp, Does.Contain("frame-ancestors 'none'"));
            Assert.That(csp, Does.Contain("object-src 'none'"));
            Assert.That(csp, Does.Not.Contain("unsafe-inline"));
            Assert.That(csp, Does.Not.Contain("unsafe-eval"));
            Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
            Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"));
            Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"));
            Assert.That(response.Headers.Contains("Server"), Is.False, "no Server header");
        });
    }

    [Test]
    public async Task Pages_are_not_cached_but_stylesheets_may_be()
    {
        using var guest = Appliance.CreateClient();

        using var page = await guest.GetAsync(new Uri(_invitation.Path, UriKind.Relative));
        using var css = await guest.GetAsync(new Uri("/css/site.css", UriKind.Relative));

        Assert.That(page.Headers.CacheControl?.NoStore, Is.True, "a guest page (with its token in the address) is not stored");
        Assert.That(css.Headers.CacheControl?.NoStore ?? false, Is.False);
    }

    [Test]
    public async Task Pages_hold_no_inline_script_or_style_that_the_policy_would_block()
    {
        using var guest = Appliance.CreateClient();
        var pages = new Dictionary<string, string>
        {
            ["sign-in"] = (await Forms.GetAsync(guest, "/signin")).Body,
            ["guest"] = (await Forms.GetAsync(guest, _invitation.Path)).Body,
            ["meetings"] = (await Forms.GetAsync(Admin.Client, "/meetings")).Body,
            ["booking"] = (await Forms.GetAsync(Admin.Client, "/meetings/new")).Body,
            ["meeting"] = (await Forms.GetAsync(Admin.Client, "/meetings/" + _meetingId)).Body,
            ["tokens"] = (await Forms.GetAsync(Admin.Client, "/account/tokens")).Body,
            ["admin"] = (await Forms.GetAsync(Admin.Client, "/admin")).Body,
            ["users"] = (await Forms.GetAsync(Admin.Client, "/admin/users")).Body,
        };

        Assert.Multiple(() =>
        {
            foreach (var (name, html) in pages)
            {
                Assert.That(html, Does.Contain("</html>"), name);
                Assert.That(Regex.IsMatch(html, "<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase), Is.False, name + " has an inline script");
                Assert.That(Regex.IsMatch(html, "<style\\b", RegexOptions.IgnoreCase), Is.False, name + " has a style element");
                Assert.That(Regex.IsMatch(html, "\\sstyle=", RegexOptions.IgnoreCase), Is.False, name + " has a style attribute");
                Assert.That(Regex.IsMatch(html, "\\son[a-z]+=", RegexOptions.IgnoreCase), Is.False, name + " has an inline event handler");
            }
        });
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;
}
