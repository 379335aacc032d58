using System.Net;
using System.Text;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Host.Tests.Security;

/// <summary>Who calls: nobody, a guest with a link (and its PIN given), staff with one role each, an API token.</summary>
[Flags]
public enum Caller
{
    None = 0,
    Anonymous = 1,
    Guest = 2,
    Organiser = 4,
    SecurityOfficer = 8,
    Operator = 16,
    Auditor = 32,
    ApiToken = 64,

    /// <summary>Every staff member with a session, whatever their role.</summary>
    Staff = Organiser | SecurityOfficer | Operator | Auditor,

    /// <summary>Every caller.</summary>
    Everyone = Anonymous | Guest | Staff | ApiToken,

    /// <summary>Every caller who has no staff session: pages and sign-in steps that need none.</summary>
    NoSession = Anonymous | Guest | ApiToken,
}

/// <summary>
/// Calls every endpoint of the appliance (read from its EndpointDataSource, so that a new endpoint without a row here
/// fails) as each kind of caller and checks allow or deny against the table. Deny is 401, 403 or a redirect to the
/// sign-in or denied page; allow is anything else the authorization layer lets through (a POST without its antiforgery
/// token answers 400, a resource that is not the caller's 404); a 5xx is always wrong.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AuthorizationMatrixTests
{
    // method, route template (as the app declares it) → who gets past authorization. Sign-in steps and guest links are
    // open by design: the link or the pending sign-in is the credential, checked by the page itself.
    private static readonly (string Method, string Route, Caller Allowed)[] Table =
    [
        ("GET", "/", Caller.Everyone),
        ("POST", "/", Caller.Everyone),
        ("GET", "/signin", Caller.Everyone),
        ("POST", "/signin", Caller.Everyone),
        // Without a pending sign-in (a right password a moment ago) the second steps send everyone back to /signin.
        ("GET", "/signin/code", Caller.None),
        ("POST", "/signin/code", Caller.Everyone),
        ("GET", "/signin/enrol", Caller.None),
        ("POST", "/signin/enrol", Caller.Everyone),
        ("GET", "/signin/organisation", Caller.Everyone),
        ("POST", "/signin/organisation", Caller.Everyone),
        // These two pages are the refusal itself: they answer 403 to everyone.
        ("GET", "/signin/refused", Caller.None),
        ("POST", "/signin/refused", Caller.Everyone),
        ("GET", "/signin/continue", Caller.Everyone),
        ("POST", "/signin/continue", Caller.Everyone),
        ("GET", "/signout", Caller.Everyone),
        ("POST", "/signout", Caller.Everyone),
        ("GET", "/denied", Caller.None),
        ("POST", "/denied", Caller.Everyone),
        ("GET", "/setup/{token}", Caller.Everyone),
        ("POST", "/setup/{token}", Caller.Everyone),
        ("GET", "/j/{token}", Caller.Everyone),
        ("POST", "/j/{token}", Caller.Everyone),
        ("GET", "/j/{token}/room", Caller.Everyone),
        ("POST", "/j/{token}/room", Caller.Everyone),
        ("GET", "/account/tokens", Caller.Staff),
        ("POST", "/account/tokens", Caller.Staff),
        ("GET", "/meetings", Caller.Organiser),
        ("POST", "/meetings", Caller.Organiser),
        ("GET", "/meetings/new", Caller.Organiser),
        ("POST", "/meetings/new", Caller.Organiser),
        ("GET", "/meetings/{meetingId}", Caller.Organiser),
        ("POST", "/meetings/{meetingId}", Caller.Organiser),
        ("GET", "/meetings/{meetingId}/room", Caller.Organiser),
        ("POST", "/meetings/{meetingId}/room", Caller.Organiser),
        // Every admin role arrives at /admin: operators see the dashboard, the others are sent on to their first page.
        ("GET", "/admin", Caller.Operator | Caller.SecurityOfficer | Caller.Auditor),
        ("POST", "/admin", Caller.Operator | Caller.SecurityOfficer | Caller.Auditor),
        ("GET", "/admin/index", Caller.Operator | Caller.SecurityOfficer | Caller.Auditor),
        ("POST", "/admin/index", Caller.Operator | Caller.SecurityOfficer | Caller.Auditor),
        ("GET", "/admin/users", Caller.Operator),
        ("POST", "/admin/users", Caller.Operator),
        ("GET", "/admin/meetings", Caller.Operator),
        ("POST", "/admin/meetings", Caller.Operator),
        ("GET", "/admin/system", Caller.Operator),
        ("POST", "/admin/system", Caller.Operator),
        // Security officers change the policy, auditors read it; each handler checks the officer role again.
        ("GET", "/admin/policies", Caller.SecurityOfficer | Caller.Auditor),
        ("POST", "/admin/policies", Caller.SecurityOfficer | Caller.Auditor),
        // Auditors and security officers read and export the log; operators may verify it.
        ("GET", "/admin/audit", Caller.Auditor | Caller.SecurityOfficer | Caller.Operator),
        ("POST", "/admin/audit", Caller.Auditor | Caller.SecurityOfficer | Caller.Operator),
        ("GET", "/api/v1/classifications", Caller.ApiToken),
        ("GET", "/api/v1/meetings", Caller.ApiToken),
        ("POST", "/api/v1/meetings", Caller.ApiToken),
        ("GET", "/api/v1/meetings/{meetingId}", Caller.ApiToken),
        ("POST", "/api/v1/meetings/{meetingId}/cancel", Caller.ApiToken),
        ("POST", "/api/v1/meetings/{meetingId}/join-ticket", Caller.ApiToken),
        ("GET", "/api/v1/meetings/{meetingId}/invitations", Caller.ApiToken),
        ("POST", "/api/v1/meetings/{meetingId}/invitations", Caller.ApiToken),
        ("POST", "/api/v1/meetings/{meetingId}/invitations/{invitationId}/revoke", Caller.ApiToken),
        ("GET", "/api/v1/openapi.json", Caller.Everyone),
        ("GET", "/healthz", Caller.Everyone),
        ("POST", "/healthz", Caller.Everyone),
        ("GET", "/metrics", Caller.Everyone),
        ("POST", "/metrics", Caller.Everyone),
        ("GET", "/css/markings.css", Caller.Everyone),
        ("GET", "/js/texts.json", Caller.Everyone),
        ("GET", "/language/{language}", Caller.Everyone),
        ("GET", "/ws", Caller.Everyone),
        ("POST", "/ws", Caller.Everyone),
    ];

    private OidcProvider _idp = null!;
    private TestAppliance _appliance = null!;
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        (_idp, _appliance) = await OidcAppliance.StartAsync();
        var admin = await StaffSession.BootstrapAsync(_appliance);
        var organiser = await admin.CreateUserAsync("olga", "Olga Organiser", "Organiser");
        var officer = await admin.CreateUserAsync("sven", "Sven Security", "SecurityOfficer");
        var operatorSession = await admin.CreateUserAsync("otto", "Otto Operator", "Operator");
        var auditor = await admin.CreateUserAsync("aud", "Aud Auditor", "Auditor");
        _owned.AddRange([admin, organiser, officer, operatorSession, auditor]);

        var meetingId = await MeetingPages.BookAsync(organiser, "Matrix meeting");
        var invitation = await MeetingPages.InviteAsync(organiser, meetingId, "Gustav Guest", pin: "482913");
        var guest = _appliance.CreateClient(new CookieContainer());
        var ask = await Forms.GetAsync(guest, invitation.Path);
        var pin = await Forms.PostAsync(guest, invitation.Path, Forms.Fields(("pin", "482913")), Forms.FindToken(ask.Body));
        Assert.That(pin.Status, Is.EqualTo(HttpStatusCode.Redirect), "the guest gives the PIN and keeps the guest cookie");
        var api = StaffSession.ApiClient(_appliance, await organiser.CreateApiTokenAsync());
        var anonymous = _appliance.CreateClient(new CookieContainer());
        _owned.AddRange([guest, api, anonymous]);

        _clients[Caller.Anonymous] = anonymous;
        _clients[Caller.Guest] = guest;
        _clients[Caller.Organiser] = organiser.Client;
        _clients[Caller.SecurityOfficer] = officer.Client;
        _clients[Caller.Operator] = operatorSession.Client;
        _clients[Caller.Auditor] = auditor.Client;
        _clients[Caller.ApiToken] = api;

        // Route values that name real things of the organiser's, so that "allowed" reaches the page, not a 404 of routing.
        _values["meetingId"] = meetingId;
        _values["invitationId"] = invitation.InvitationId;
        _values["token"] = invitation.Token;
        _values["language"] = "da";
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _appliance.DisposeAsync();
        await _idp.DisposeAsync();
    }

    [Test]
    public void Every_endpoint_of_the_app_has_a_row_and_every_row_an_endpoint()
    {
        // Routing matches regardless of case, and so does this comparison.
        var declared = Table.Select(r => $"{r.Method} {r.Route}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var actual = Endpoints().Select(e => $"{e.Method} {e.Route}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Multiple(() =>
        {
            Assert.That(actual.Where(e => !declared.Contains(e)), Is.Empty, "endpoints without a row in the authorization table");
            Assert.That(declared.Where(r => !actual.Contains(r)), Is.Empty, "rows for endpoints that no longer exist");
            Assert.That(Table.Select(r => $"{r.Method} {r.Route}".ToUpperInvariant()), Is.Unique);
        });
    }

    [Test]
    public async Task Every_endpoint_allows_exactly_its_callers_and_denies_the_rest_without_a_server_error()
    {
        var wrong = new StringBuilder();
        foreach (var (method, route, allowed) in Table)
        {
            var path = Fill(route);
            foreach (var (caller, client) in _clients)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    // Pages: no antiforgery token, so a call that gets through changes nothing. The API: an empty JSON
                    // object (another content type is turned away by routing with 415 before authorization is asked).
                    request.Content = route.StartsWith("/api/", StringComparison.Ordinal)
                        ? new StringContent("{}", Encoding.UTF8, "application/json")
                        : new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded");
                }

                using var response = await client.SendAsync(request);
                var outcome = Classify(response);
                var expected = allowed.HasFlag(caller) ? "allow" : "deny";
                if (outcome != expected)
                {
                    wrong.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{method} {route} as {caller}: expected {expected}, got {outcome} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }

        Assert.That(wrong.ToString(), Is.Empty);
    }

    private static string Classify(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return "server error";
        }

        if (status is 401 or 403)
        {
            return "deny";
        }

        // The cookie handler answers with absolute addresses, pages with relative ones: compare the path.
        var location = response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.AbsolutePath : l.OriginalString.Split('?')[0]) : null;
        if (status is >= 300 and < 400 && location is "/signin" or "/denied")
        {
            return "deny";
        }

        return "allow";
    }

    private string Fill(string route)
    {
        var path = route;
        foreach (var (name, value) in _values)
        {
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.OrdinalIgnoreCase);
        }

        return path;
    }

    // Every routed endpoint with each method it answers (GET and POST for those that take any method, as pages do).
    private IEnumerable<(string Method, string Route)> Endpoints()
    {
        foreach (var endpoint in _appliance.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods is { Count: > 0 } ? methods.Where(m => m != "HEAD") : ["GET", "POST"])
            {
                yield return (method, route);
            }
        }
    }
}
