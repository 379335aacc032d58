using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.LoadGen.ApplianceSfu;

/// <summary>
/// The appliance's HTTP side as the generator uses it: the REST API with the automation token (book a meeting, invite
/// guests, the host's join ticket), a guest's room page (its join ticket), /healthz and /metrics. Only the
/// self-signed certificate the appliance wrote into its data folder is trusted.
/// </summary>
internal sealed partial class ApplianceHttp : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private readonly HttpClient _guest;
    private readonly string _certificatePath;

    public ApplianceHttp(Uri baseAddress, string certificatePath, string apiToken)
    {
        _certificatePath = certificatePath;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = 16,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => IsApplianceCertificate(presented) },
        };
        _client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
        // A guest's browser sends no API token: its own client without one.
        _guest = new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress => _client.BaseAddress!;

    /// <summary>True when <paramref name="presented"/> is the certificate in the data folder.</summary>
    public bool IsApplianceCertificate(X509Certificate? presented)
    {
        if (presented is null || !File.Exists(_certificatePath))
        {
            return false;
        }

        using var expected = X509CertificateLoader.LoadCertificateFromFile(_certificatePath);
        return CryptographicOperations.FixedTimeEquals(presented.GetRawCertData(), expected.RawData);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Books a meeting starting now at the lowest classification; returns its id.</summary>
    public async Task<string> BookMeetingAsync(string title, TimeProvider time, CancellationToken cancellationToken)
    {
        using var levels = await GetJsonAsync("/api/v1/classifications", cancellationToken).ConfigureAwait(false);
        var classification = levels.RootElement[0].GetProperty("id").GetString();
        var now = time.GetUtcNow();
        var body = new { title, startsAt = now.AddSeconds(30), endsAt = now.AddHours(2), classification };
        using var booked = await PostJsonAsync("/api/v1/meetings", body, cancellationToken).ConfigureAwait(false);
        return booked.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Invites a guest; returns the guest link.</summary>
    public async Task<Uri> InviteAsync(string meetingId, string guestName, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = new { guestName, expiresAt = time.GetUtcNow().AddHours(3) };
        using var issued = await PostJsonAsync($"/api/v1/meetings/{meetingId}/invitations", body, cancellationToken).ConfigureAwait(false);
        return new Uri(issued.RootElement.GetProperty("link").GetString()!);
    }

    /// <summary>The organiser's join ticket, through the API.</summary>
    public async Task<string> HostTicketAsync(string meetingId, CancellationToken cancellationToken)
    {
        using var ticket = await PostJsonAsync($"/api/v1/meetings/{meetingId}/join-ticket", new { }, cancellationToken).ConfigureAwait(false);
        return ticket.RootElement.GetProperty("ticket").GetString()!;
    }

    /// <summary>A guest's join ticket: what the room page behind the guest link holds in data-ticket.</summary>
    public async Task<string> GuestTicketAsync(Uri link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        using var response = await _guest.GetAsync(new Uri(link.AbsolutePath.TrimEnd('/') + "/room", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var html = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var match = TicketAttribute().Match(html);
        if (response.StatusCode != HttpStatusCode.OK || !match.Success)
        {
            throw new InvalidOperationException($"The guest room page answered {(int)response.StatusCode} without a join ticket.");
        }

        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The Prometheus text of /metrics as name{labels} → value.</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return values;
    }

    public void Dispose()
    {
        _client.Dispose();
        _guest.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("data-ticket=\"([^\"]+)\"")]
    private static partial Regex TicketAttribute();

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonDocument> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text);
    }
}
