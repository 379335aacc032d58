using Appliance.Core.Identity;
using Appliance.Host.Configuration;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Appliance.Host.Operations;

/// <summary>
/// On a start with no staff account, prints the one-time link that creates the first administrator, and keeps it in
/// a 0600 file in the data folder for operators who run the appliance as a service.
/// </summary>
public sealed class BootstrapAnnouncer
{
    /// <summary>Name of the file in the data folder that holds the current bootstrap link.</summary>
    public const string FileName = "bootstrap-link.txt";

    private readonly LocalAccounts _accounts;
    private readonly ApplianceOptions _options;
    private readonly ILogger<BootstrapAnnouncer> _logger;

    public BootstrapAnnouncer(LocalAccounts accounts, ApplianceOptions options, ILogger<BootstrapAnnouncer> logger)
    {
        _accounts = accounts;
        _options = options;
        _logger = logger;
    }

    /// <summary>Where the link file lives.</summary>
    public string LinkFilePath => Path.Combine(_options.DataDirectory, FileName);

    /// <summary>Issues a fresh grant when needed; call after the server has started so that the link has the real port.</summary>
    public async Task AnnounceAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var token = await _accounts.PrepareBootstrapAsync();
        if (token is null)
        {
            Remove();
            return;
        }

        var link = new Uri(BaseUrl(app), "setup/" + token);
        WriteLinkFile(link);
        // Printed on the console only, never through the log pipeline: log files are kept and shipped; this is a secret.
        await Console.Out.WriteLineAsync($"""

            ================================================================================
             No administrator exists yet. Within 24 hours, open this link to create one:

               {link.AbsoluteUri}

             (also in {LinkFilePath}; a restart issues a new link)
            ================================================================================

            """);
        _logger.LogWarning("No administrator exists; a one-time bootstrap link was printed on the console and written to {Path}", LinkFilePath);
    }

    /// <summary>Deletes the link file once the administrator exists.</summary>
    public void Remove()
    {
        if (File.Exists(LinkFilePath))
        {
            File.Delete(LinkFilePath);
        }
    }

    private Uri BaseUrl(WebApplication app)
    {
        if (_options.PublicUrl is { } configured)
        {
            return configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault() ?? ApplianceApp.DefaultUrl;
        var uri = new UriBuilder(address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)) { Path = "/" };
        return uri.Uri;
    }

    private void WriteLinkFile(Uri link) => PrivateFiles.Write(LinkFilePath, link.AbsoluteUri + Environment.NewLine);
}
