using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Storage;

namespace Appliance.Host.Tests.Operations;

/// <summary>/healthz and /metrics on a running appliance.</summary>
public sealed class HealthAndMetricsTests : ApplianceFixture
{
    [Test]
    public async Task Healthz_answers_200_json_with_the_storage_and_certificate_checks()
    {
        using var anonymous = Appliance.CreateClient();

        var health = await ApiCalls.GetAsync(anonymous, "/healthz");

        Assert.Multiple(() =>
        {
            Assert.That(health.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(health.MediaType, Is.EqualTo("application/json"));
            Assert.That(health.Root.GetProperty("status").GetString(), Is.EqualTo("healthy"));
            var checks = health.Root.GetProperty("checks");
            Assert.That(checks.EnumerateObject().Select(c => c.Name), Is.EquivalentTo(new[] { "storage", "certificate" }));
            Assert.That(checks.GetProperty("storage").GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(checks.GetProperty("certificate").GetProperty("status").GetString(), Is.EqualTo("healthy"));
        });
    }

    [Test]
    public async Task Healthz_answers_503_naming_storage_when_the_database_does_not_answer()
    {
        await using var broken = await TestAppliance.StartAsync();
        using var client = broken.CreateClient();
        Assert.That((await ApiCalls.GetAsync(client, "/healthz")).Status, Is.EqualTo(HttpStatusCode.OK));

        broken.Service<ApplianceDatabase>().Dispose();
        var health = await ApiCalls.GetAsync(client, "/healthz");

        Assert.Multiple(() =>
        {
            Assert.That(health.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(health.Root.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(health.Root.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(health.Root.GetProperty("checks").GetProperty("certificate").GetProperty("status").GetString(), Is.EqualTo("healthy"));
        });
    }

    [Test]
    public async Task Metrics_are_served_in_prometheus_text_format_with_appliance_and_http_series()
    {
        await MeetingPages.BookAsync(Admin, "Counted meeting");
        using var anonymous = Appliance.CreateClient();

        var response = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(text, Does.Contain("# TYPE appliance_meetings_booked_total counter"));
            Assert.That(Sample(text, "appliance_meetings_booked_total"), Is.GreaterThanOrEqualTo(1));
            Assert.That(text, Does.Contain("# TYPE appliance_sign_ins_total counter"));
            Assert.That(text, Does.Match("appliance_sign_ins_total\\{outcome=\"enrol_signedin\"\\} [1-9]"));
            // The series are process-wide and other appliances of this test run generate certificates seconds apart,
            // so the expiry is compared to this one's within an hour (a wrong unit or a missing value is far off).
            Assert.That(
                Sample(text, "appliance_tls_certificate_expiry_timestamp_seconds"),
                Is.EqualTo(Appliance.Service<Appliance.Host.Tls.ServerCertificate>().NotAfter.ToUnixTimeSeconds()).Within(3600));
            Assert.That(Sample(text, "appliance_storage_bytes"), Is.GreaterThan(0));
            Assert.That(text, Does.Match("http_requests_received_total\\{[^}]*endpoint=\"meetings/new\"[^}]*\\} [1-9]"));
            Assert.That(text, Does.Contain("# TYPE http_request_duration_seconds histogram"));
        });
    }

    private static double Sample(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + " (?<value>\\S+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        Assert.That(match.Success, Is.True, $"no sample of {series}");
        return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }
}
