using System.Net;

namespace Appliance.Host.Configuration;

/// <summary>The appliance's own settings (section "Appliance"), from appsettings.json, environment or command line.</summary>
public sealed class ApplianceOptions
{
    public const string Section = "Appliance";

    /// <summary>Where the database, key file, certificate and logs live. Relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The address people reach the appliance at, used in invitation links. When empty, the address of the request
    /// that creates the link is used.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Time zone in which times are shown and booking forms are read (IANA id, e.g. Europe/Copenhagen).</summary>
    public string? TimeZone { get; set; }

    /// <summary>Language when the browser states none we speak: en, da or sv.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Largest request body accepted anywhere, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request body accepted by the REST API, in bytes.</summary>
    public long MaxApiBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per minute and client address to the sign-in and bootstrap pages.</summary>
    public int SignInRequestsPerMinute { get; set; } = 20;

    /// <summary>Requests per minute and client address to guest links (including PIN attempts).</summary>
    public int GuestRequestsPerMinute { get; set; } = 30;

    /// <summary>Requests per minute and client address to the REST API.</summary>
    public int ApiRequestsPerMinute { get; set; } = 300;

    /// <summary>Staff sign-in at the agency's IdP (OIDC); off by default.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>TLS settings.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Networks (CIDR) allowed to read /metrics. Loopback only by default.</summary>
    public IList<string> MetricsAllowedNetworks { get; } = ["127.0.0.0/8", "::1/128"];
}

/// <summary>Where the TLS certificate comes from.</summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate (chain) file of the operator's own certificate; empty to use the generated one.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Host names put in the generated self-signed certificate besides localhost.</summary>
    public IList<string> SelfSignedNames { get; } = [];

    /// <summary>Network address list parsed from a CIDR string; false for malformed input.</summary>
    public static bool TryParseNetwork(string cidr, out IPNetwork network) => IPNetwork.TryParse(cidr, out network);
}
