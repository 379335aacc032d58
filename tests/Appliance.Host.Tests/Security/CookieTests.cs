using System.Net;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Security;

/// <summary>Every cookie the sign-in, pages and guest links set: __Host- prefixed, Secure, HttpOnly, SameSite=Strict.</summary>
public sealed class CookieTests : ApplianceFixture
{
    [Test]
    public async Task Session_pending_sign_in_antiforgery_and_guest_cookies_are_host_prefixed_secure_httponly_and_strict()
    {
        var setCookies = new List<string>();
        var cookies = new CookieContainer();
        using var browser = Appliance.CreateClient(cookies);

        // A whole sign-in, collecting every Set-Cookie on the way.
        var signIn = await Record(setCookies, Forms.GetAsync(browser, "/signin"));
        var password = await Record(setCookies, Forms.PostAsync(browser, "/signin", Forms.Fields(("userName", Admin.UserName), ("password", Admin.Password)), Forms.FindToken(signIn.Body)));
        var codePage = await Record(setCookies, Forms.GetAsync(browser, password.Location!));
        var code = await Record(setCookies, Forms.PostAsync(browser, password.Location!, Forms.Fields(("code", await Admin.NextCodeAsync())), Forms.FindToken(codePage.Body)));
        Assert.That(code.Location, Is.EqualTo("/"), "signed in, on to the front page that sends each person on by role");
        await Record(setCookies, Forms.GetAsync(browser, "/meetings"));

        // A guest who gives a PIN.
        var meetingId = await MeetingPages.BookAsync(Admin, "Cookie meeting");
        var issued = await MeetingPages.InviteAsync(Admin, meetingId, "Cookie Guest", pin: "8642");
        using var guest = Appliance.CreateClient(new CookieContainer());
        var ask = await Record(setCookies, Forms.GetAsync(guest, issued.Path));
        await Record(setCookies, Forms.PostAsync(guest, issued.Path, Forms.Fields(("pin", "8642")), Forms.FindToken(ask.Body)));

        var set = setCookies.Where(c => !IsDeletion(c)).ToList();
        var names = set.Select(c => c[..c.IndexOf('=', StringComparison.Ordinal)]).Distinct().ToList();
        Assert.That(names, Is.SupersetOf(new[] { "__Host-appliance-csrf", "__Host-appliance-pending", "__Host-appliance-session", "__Host-appliance-guest" }));
        Assert.Multiple(() =>
        {
            foreach (var cookie in set)
            {
                var name = cookie[..cookie.IndexOf('=', StringComparison.Ordinal)];
                var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
                Assert.That(name, Does.StartWith("__Host-"), cookie);
                Assert.That(attributes, Does.Contain("secure"), name);
                Assert.That(attributes, Does.Contain("httponly"), name);
                Assert.That(attributes, Does.Contain("samesite=strict"), name);
                Assert.That(attributes, Does.Contain("path=/"), name);
                Assert.That(attributes, Has.None.StartsWith("domain="), name);
            }
        });
    }

    [Test]
    public async Task The_language_cookie_is_secure_and_httponly_and_only_returns_to_local_pages()
    {
        using var client = Appliance.CreateClient();

        using var response = await client.GetAsync(new Uri("/language/da?returnUrl=//evil.example/", UriKind.Relative));
        using var local = await client.GetAsync(new Uri("/language/sv?returnUrl=/signin", UriKind.Relative));
        using var unknown = await client.GetAsync(new Uri("/language/xx", UriKind.Relative));
        var cookie = response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();

        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/"));
            Assert.That(local.Headers.Location?.OriginalString, Is.EqualTo("/signin"));
            Assert.That(cookie, Does.Contain("secure").And.Contain("httponly"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    private static async Task<PageResponse> Record(List<string> setCookies, Task<PageResponse> request)
    {
        var response = await request;
        if (response.Response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            setCookies.AddRange(values);
        }

        return response;
    }

    private static bool IsDeletion(string setCookie) =>
        setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
}
