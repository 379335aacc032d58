using System.Net;
using System.Security.Cryptography.X509Certificates;
using Appliance.Host;
using Appliance.Host.Operations;
using Appliance.Host.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// The real appliance (Kestrel, TLS, LiteDB, the whole pipeline) started in this process on 127.0.0.1 with a free
/// port and its own temporary data folder.
/// </summary>
public sealed class TestAppliance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestAppliance(WebApplication app, Uri baseAddress, string dataDirectory)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    /// <summary>https://127.0.0.1:port/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The appliance's data folder (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>The certificate the appliance serves; clients trust exactly this one.</summary>
    public X509Certificate2 Certificate => Service<ServerCertificate>().Certificate;

    /// <summary>The bootstrap link, while no administrator exists.</summary>
    public Uri? BootstrapLink
    {
        get
        {
            var path = Path.Combine(DataDirectory, BootstrapAnnouncer.FileName);
            return File.Exists(path) ? new Uri(File.ReadAllText(path).Trim()) : null;
        }
    }

    /// <summary>
    /// Starts an appliance. <paramref name="settings"/> are extra configuration keys (e.g. "Appliance:ApiRequestsPerMinute");
    /// an existing <paramref name="dataDirectory"/> is reused (and then not deleted on dispose); <paramref name="configure"/>
    /// may register services before the appliance's own (for example a media plane that records what it is told).
    /// </summary>
    public static async Task<TestAppliance> StartAsync(
        IDictionary<string, string>? settings = null, string? dataDirectory = null, Action<WebApplicationBuilder>? configure = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "appliance-test-" + Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // Under the test runner the entry assembly is testhost; the pages and the admin area are found from the
            // application's own assembly, as they are when Appliance.Host runs as the program.
            ["applicationName"] = typeof(ApplianceApp).Assembly.GetName().Name!,
            ["urls"] = "https://127.0.0.1:0",
            ["Appliance:DataDirectory"] = dataDirectory,
            ["Appliance:TimeZone"] = "UTC",
            ["Appliance:SignInRequestsPerMinute"] = "10000",
            ["Appliance:GuestRequestsPerMinute"] = "10000",
            ["Appliance:ApiRequestsPerMinute"] = "10000",
            // Media on a free UDP port of the loopback, where the browsers of the tests are.
            ["Appliance:Media:Port"] = "0",
            ["Appliance:Media:BindAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        var args = values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        var app = ApplianceApp.Build(args, configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await app.Services.GetRequiredService<BootstrapAnnouncer>().AnnounceAsync(app);
        var appliance = new TestAppliance(app, new Uri(address.TrimEnd('/') + "/"), dataDirectory) { _ownsData = ownsData };
        return appliance;
    }

    private bool _ownsData;

    /// <summary>A service from the running appliance.</summary>
    public T Service<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>
    /// An HTTP client for this appliance: trusts only its certificate, keeps cookies (when asked) and never follows
    /// redirects, so that tests see each step.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        var thumbprint = Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && string.Equals(cert.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), thumbprint, StringComparison.OrdinalIgnoreCase),
        };
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A log file still being flushed; the temp folder is cleaned by the OS eventually.
            }
        }
    }
}
