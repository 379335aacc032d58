using System.Net;
using System.Security.Cryptography;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// A browser for the OIDC flow: one cookie jar for the appliance and the IdP, each trusted by its pinned certificate,
/// following redirects by hand so that a test can look at (or tamper with) each step.
/// </summary>
public sealed class OidcBrowser : IDisposable
{
    private readonly TestAppliance _appliance;
    private readonly OidcProvider _idp;

    public OidcBrowser(TestAppliance appliance, OidcProvider idp, string? language = null)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        ArgumentNullException.ThrowIfNull(idp);
        _appliance = appliance;
        _idp = idp;
        var pins = new[] { appliance.Certificate, idp.Certificate }
            .Select(c => c.GetCertHashString(HashAlgorithmName.SHA256))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = Cookies,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && pins.Contains(cert.GetCertHashString(HashAlgorithmName.SHA256)),
        };
        Client = new HttpClient(handler, disposeHandler: true) { BaseAddress = appliance.BaseAddress };
        if (language is not null)
        {
            Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Client { get; }

    /// <summary>
    /// Starts at the appliance's IdP button, signs in at the IdP as <paramref name="login"/> with the given strength
    /// and follows the way back to the appliance. Returns the appliance's answer to the callback (/signin-oidc).
    /// </summary>
    public async Task<PageResponse> SignInAsync(string login, string? acr = OidcProvider.HighAcr, string amr = "pwd otp", string returnUrl = "/meetings")
    {
        var callback = await ToCallbackAsync(login, acr, amr, returnUrl);
        return await GetAsync(callback);
    }

    /// <summary>Like <see cref="SignInAsync"/> but stops before the callback and returns its address, for tampering.</summary>
    public async Task<Uri> ToCallbackAsync(string login, string? acr = OidcProvider.HighAcr, string amr = "pwd otp", string returnUrl = "/meetings")
    {
        var start = await GetAsync(new Uri(_appliance.BaseAddress, "/signin/organisation?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        Expect(start, "the IdP's authorization endpoint", l => l.AbsoluteUri.StartsWith(_idp.Issuer.AbsoluteUri, StringComparison.Ordinal));
        var page = await FollowAsync(Target(start));
        if (page.Status != HttpStatusCode.OK || !IsInteraction(page))
        {
            throw new AssertionException($"The IdP showed no login page: {(int)page.Status} {page.Response.RequestMessage?.RequestUri} {page.Body}");
        }

        var afterLogin = await PostAsync(page, "login", Forms.Fields(("login", login), ("acr", acr ?? ""), ("amr", amr)));
        var consent = await FollowAsync(Target(afterLogin), stopAt: IsCallback);
        var back = consent.Status == HttpStatusCode.OK && IsInteraction(consent)
            ? await FollowAsync(Target(await PostAsync(consent, "consent", [])), stopAt: IsCallback)
            : consent;
        Expect(back, "the appliance's callback", IsCallback);
        return Target(back);
    }

    /// <summary>GET one address, without following.</summary>
    public async Task<PageResponse> GetAsync(Uri address)
    {
        var response = await Client.GetAsync(address);
        return new PageResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>The absolute redirect target of a response.</summary>
    public static Uri Target(PageResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var location = response.Response.Headers.Location ?? throw new AssertionException($"No redirect: {(int)response.Status} {response.Body}");
        return location.IsAbsoluteUri ? location : new Uri(response.Response.RequestMessage!.RequestUri!, location);
    }

    public void Dispose() => Client.Dispose();

    // Follows redirects; stops with the redirect whose target satisfies stopAt (not requesting it), or at a non-redirect.
    private async Task<PageResponse> FollowAsync(Uri address, Func<Uri, bool>? stopAt = null)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            var page = await GetAsync(address);
            if ((int)page.Status is < 300 or >= 400)
            {
                return page;
            }

            var next = Target(page);
            if (stopAt?.Invoke(next) == true)
            {
                return page;
            }

            address = next;
        }

        throw new AssertionException("More than 10 redirects from " + address);
    }

    private static bool IsCallback(Uri address) => address.AbsolutePath == "/signin-oidc";

    private static bool IsInteraction(PageResponse page) =>
        page.Response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal) == true;

    // Posts one of the IdP's interaction forms (login, consent) at the interaction page's address.
    private async Task<PageResponse> PostAsync(PageResponse interaction, string step, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        var posted = await Client.PostAsync(new Uri(interaction.Response.RequestMessage!.RequestUri!.AbsoluteUri + "/" + step), content);
        return new PageResponse(posted.StatusCode, await posted.Content.ReadAsStringAsync(), posted);
    }

    private static void Expect(PageResponse response, string what, Func<Uri, bool> check)
    {
        if ((int)response.Status is < 300 or >= 400 || !check(Target(response)))
        {
            throw new AssertionException($"Expected a redirect to {what}, got {(int)response.Status} {response.Response.Headers.Location}: {response.Body}");
        }
    }
}
