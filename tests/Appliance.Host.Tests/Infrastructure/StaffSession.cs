using System.Net;
using System.Net.Http.Headers;
using Appliance.Crypto;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// A member of staff driving the appliance through its pages, as a browser would: the cookie container is the
/// browser's, the TOTP secret is what they typed into their authenticator app.
/// </summary>
public sealed class StaffSession : IDisposable
{
    public const string DefaultPassword = "correct horse battery staple";

    private long _lastStep;

    private StaffSession(TestAppliance appliance, string userName, string displayName, string password)
    {
        Appliance = appliance;
        UserName = userName;
        DisplayName = displayName;
        Password = password;
        Cookies = new CookieContainer();
        Client = appliance.CreateClient(Cookies);
    }

    public TestAppliance Appliance { get; }

    public string UserName { get; }

    public string DisplayName { get; }

    public string Password { get; }

    /// <summary>The browser's cookies (session, antiforgery).</summary>
    public CookieContainer Cookies { get; private set; }

    /// <summary>A client that sends <see cref="Cookies"/>.</summary>
    public HttpClient Client { get; private set; }

    /// <summary>The authenticator's secret, once enrolled.</summary>
    public byte[]? Secret { get; private set; }

    /// <summary>
    /// Creates the first administrator with the appliance's bootstrap link and enrols their authenticator, leaving
    /// them signed in.
    /// </summary>
    public static async Task<StaffSession> BootstrapAsync(TestAppliance appliance, string userName = "admin", string displayName = "Ada Administrator", string password = DefaultPassword)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var link = appliance.BootstrapLink ?? throw new AssertionException("The appliance shows no bootstrap link.");
        var session = new StaffSession(appliance, userName, displayName, password);
        var setup = await Forms.SubmitAsync(session.Client, link.PathAndQuery, Forms.Fields(("userName", userName), ("displayName", displayName), ("password", password)));
        Expect(setup, HttpStatusCode.Redirect, "/signin/enrol");
        await session.EnrolAsync();
        return session;
    }

    /// <summary>Signs in again in a new browser (fresh cookies): password, then the next unused code (or enrolment).</summary>
    public async Task SignInAsync()
    {
        Client.Dispose();
        Cookies = new CookieContainer();
        Client = Appliance.CreateClient(Cookies);
        var next = await SubmitPasswordAsync(Password);
        if (next.Location!.StartsWith("/signin/enrol", StringComparison.Ordinal))
        {
            await EnrolAsync();
            return;
        }

        var code = await Forms.SubmitAsync(Client, next.Location, Forms.Fields(("code", await NextCodeAsync())));
        Expect(code, HttpStatusCode.Redirect, "/");
    }

    /// <summary>Posts user name and password in this session's browser; the answer must redirect to a second step.</summary>
    public async Task<PageResponse> SubmitPasswordAsync(string password)
    {
        var response = await Forms.SubmitAsync(Client, "/signin", Forms.Fields(("userName", UserName), ("password", password)));
        if (response.Status != HttpStatusCode.Redirect || response.Location?.StartsWith("/signin/", StringComparison.Ordinal) != true)
        {
            throw new AssertionException($"Sign-in of {UserName} answered {(int)response.Status} {response.Location}: {string.Join("; ", Forms.ErrorSummary(response.Body))}");
        }

        return response;
    }

    /// <summary>
    /// A code for a step the appliance has not seen used: the current step, or the next one when the current one is
    /// used (the appliance accepts one step of drift), waiting for the clock only when both are used.
    /// </summary>
    public async Task<string> NextCodeAsync()
    {
        var secret = Secret ?? throw new InvalidOperationException($"{UserName} has not enrolled an authenticator.");
        var now = TimeProvider.System.GetUtcNow();
        var current = Totp.TimeStep(now);
        var step = Math.Max(current, _lastStep + 1);
        if (step > current + 1)
        {
            // Both usable steps are spent: wait until the step before the one we need has begun.
            var startOfStep = DateTimeOffset.FromUnixTimeSeconds((step - 1) * 30);
            await Task.Delay(startOfStep - now + TimeSpan.FromMilliseconds(200));
        }

        _lastStep = step;
        return Totp.Compute(secret, step);
    }

    /// <summary>The last code handed out (for replaying it).</summary>
    public string LastCode => Totp.Compute(Secret!, _lastStep);

    /// <summary>An operator creates another local account; returns that person's session, signed in and enrolled.</summary>
    public async Task<StaffSession> CreateUserAsync(string userName, string displayName, params string[] roles)
    {
        var created = await CreateAccountAsync(userName, displayName, roles);
        await created.SignInAsync();
        return created;
    }

    /// <summary>An operator creates another local account (not signed in, not enrolled).</summary>
    public async Task<StaffSession> CreateAccountAsync(string userName, string displayName, params string[] roles)
    {
        var fields = Forms.Fields(("UserName", userName), ("DisplayName", displayName), ("Password", DefaultPassword));
        fields.AddRange(roles.Select(r => new KeyValuePair<string, string>("Roles", r)));
        var page = await Forms.SubmitAsync(Client, "/admin/users", fields);
        if (page.Status != HttpStatusCode.OK || Forms.ErrorSummary(page.Body).Count > 0 || !page.Body.Contains("class=\"notice\"", StringComparison.Ordinal))
        {
            throw new AssertionException($"Creating {userName} answered {(int)page.Status}: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
        }

        return new StaffSession(Appliance, userName, displayName, DefaultPassword);
    }

    /// <summary>Creates a personal API token at /account/tokens and returns it.</summary>
    public async Task<string> CreateApiTokenAsync(string name = "case system", int days = 30)
    {
        var page = await Forms.SubmitAsync(Client, "/account/tokens", Forms.Fields(("Name", name), ("Days", days.ToString(System.Globalization.CultureInfo.InvariantCulture))), "/account/tokens?handler=Create");
        return Forms.ValueOf(page.Body, "new-token")
            ?? throw new AssertionException($"Creating an API token answered {(int)page.Status} without a token: {string.Join("; ", Forms.ErrorSummary(page.Body))}");
    }

    /// <summary>A client that calls the API with the given bearer token and no cookies.</summary>
    public static HttpClient ApiClient(TestAppliance appliance, string token)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var client = appliance.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public void Dispose() => Client.Dispose();

    private async Task EnrolAsync()
    {
        var enrol = await Forms.GetAsync(Client, "/signin/enrol");
        var secret = Forms.ValueOf(enrol.Body, "totp-secret", "data-secret")
            ?? throw new AssertionException($"The enrolment page ({(int)enrol.Status}) shows no secret.");
        if (!Base32.TryDecode(secret, out var decoded))
        {
            throw new AssertionException($"The enrolment page shows a secret that is not Base32: {secret}");
        }

        Secret = decoded;
        var token = Forms.FindToken(enrol.Body);
        var confirmed = await Forms.PostAsync(Client, "/signin/enrol", Forms.Fields(("code", await NextCodeAsync())), token);
        Expect(confirmed, HttpStatusCode.Redirect, "/");
    }

    private static void Expect(PageResponse response, HttpStatusCode status, string location)
    {
        if (response.Status != status || response.Location?.StartsWith(location, StringComparison.Ordinal) != true)
        {
            throw new AssertionException(
                $"Expected {(int)status} to {location}, got {(int)response.Status} to {response.Location}: {string.Join("; ", Forms.ErrorSummary(response.Body))}");
        }
    }
}
