using System.Net;
using Appliance.Crypto;
using Appliance.Host.Tests.Infrastructure;

namespace Appliance.Host.Tests.Security;

/// <summary>Rate limits on guessable endpoints and the size limit on request bodies.</summary>
public sealed class RequestLimitsTests
{
    [Test]
    public async Task Sign_in_beyond_the_configured_requests_per_minute_answers_429()
    {
        await using var appliance = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:SignInRequestsPerMinute"] = "3" });
        using var client = appliance.CreateClient(new CookieContainer());
        var fields = Forms.Fields(("userName", "someone"), ("password", "a guess at the password"));

        // The page itself counts: GET, then POSTs.
        var page = await Forms.GetAsync(client, "/signin");
        var token = Forms.FindToken(page.Body);
        var first = await Forms.PostAsync(client, "/signin", fields, token);
        var second = await Forms.PostAsync(client, "/signin", fields, token);
        var third = await Forms.PostAsync(client, "/signin", fields, token);
        var fourth = await Forms.PostAsync(client, "/signin", fields, token);
        var home = await Forms.GetAsync(client, "/");
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(new[] { page.Status, first.Status, second.Status }, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(third.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(fourth.Status, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(fourth.Response.Headers.RetryAfter, Is.Not.Null);
            Assert.That(fourth.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(home.Status, Is.EqualTo(HttpStatusCode.OK), "other pages are not limited by the sign-in limit");
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Guest_links_beyond_the_configured_requests_per_minute_answer_429()
    {
        await using var appliance = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:GuestRequestsPerMinute"] = "3" });
        using var client = appliance.CreateClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await Forms.GetAsync(client, "/j/" + SecretToken.Generate())).Status);
        }

        Assert.That(answers, Is.EqualTo(new[] { HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests }));
    }

    [Test]
    public async Task A_form_body_over_the_limit_is_refused_even_with_the_right_password()
    {
        await using var appliance = await TestAppliance.StartAsync(new Dictionary<string, string> { ["Appliance:MaxRequestBodyBytes"] = "65536" });
        using var admin = await StaffSession.BootstrapAsync(appliance);
        using var client = appliance.CreateClient(new CookieContainer());
        var page = await Forms.GetAsync(client, "/signin");
        var right = Forms.Fields(("userName", admin.UserName), ("password", admin.Password));
        var padded = Forms.Fields(("userName", admin.UserName), ("password", admin.Password), ("padding", new string('x', 100_000)));

        var large = await Forms.PostAsync(client, "/signin", padded, Forms.FindToken(page.Body));
        var small = await Forms.PostAsync(client, "/signin", right, Forms.FindToken(page.Body));

        Assert.Multiple(() =>
        {
            // Kestrel stops reading at the limit (413); the antiforgery check, which reads the form first, reports
            // the unreadable form as 400. Either way nothing behind the form runs.
            Assert.That(large.Status, Is.AnyOf(HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest));
            Assert.That(large.Location, Is.Null);
            Assert.That(large.Body, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(small.Status, Is.EqualTo(HttpStatusCode.Redirect), "the same sign-in without the padding goes on");
        });
    }
}
