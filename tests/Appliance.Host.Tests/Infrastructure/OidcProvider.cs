using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// A real OpenID Provider: the npm package oidc-provider, run by tests/oidc-provider/provider.mjs with https on
/// 127.0.0.1 under a self-signed certificate made here, which the appliance trusts through its
/// TrustedCaCertificateFile setting and the test's browser by pinning.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    /// <summary>acr values the test IdP knows, weakest first.</summary>
    public const string LowAcr = "urn:appliance:test:loa:low";
    public const string SubstantialAcr = "urn:appliance:test:loa:substantial";
    public const string HighAcr = "urn:appliance:test:loa:high";

    private readonly Process _process;
    private readonly string _directory;
    private readonly Queue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private OidcProvider(Process process, string directory, X509Certificate2 certificate)
    {
        _process = process;
        _directory = directory;
        Certificate = certificate;
    }

    /// <summary>The issuer, e.g. https://127.0.0.1:41234.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The provider's TLS certificate (self-signed).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as a PEM file, for the appliance's TrustedCaCertificateFile.</summary>
    public string CertificateFile => Path.Combine(_directory, "idp.crt");

    /// <summary>Starts the provider and waits until it listens.</summary>
    public static async Task<OidcProvider> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "oidc-provider", "provider.mjs");
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException("oidc-provider is not installed: run `npm ci` in tests/oidc-provider (tests/run.sh does).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "appliance-idp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test IdP", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = TimeProvider.System.GetUtcNow();
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(directory, "idp.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "idp.key"), key.ExportPkcs8PrivateKeyPem());

        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        start.Environment["OIDC_TLS_CERT"] = Path.Combine(directory, "idp.crt");
        start.Environment["OIDC_TLS_KEY"] = Path.Combine(directory, "idp.key");
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var provider = new OidcProvider(process, directory, certificate);
        process.OutputDataReceived += (_, e) => provider.Received(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                TestContext.Progress.WriteLine("oidc-provider: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var ready = await provider.WaitForLineAsync("issuer ");
        provider.Issuer = new Uri(ready["issuer ".Length..]);
        return provider;
    }

    /// <summary>Registers the appliance as a confidential client with its redirect URIs (the appliance's port is known only now).</summary>
    public async Task RegisterClientAsync(string clientId, string secret, Uri appliance)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        var metadata = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["redirect_uris"] = new[] { new Uri(appliance, "/signin-oidc").AbsoluteUri },
            ["post_logout_redirect_uris"] = new[] { new Uri(appliance, "/signin").AbsoluteUri },
            ["response_types"] = new[] { "code" },
            ["grant_types"] = new[] { "authorization_code" },
            ["token_endpoint_auth_method"] = "client_secret_post",
        });
        await _process.StandardInput.WriteLineAsync(metadata);
        await _process.StandardInput.FlushAsync();
        await WaitForLineAsync("client " + clientId);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing standard input is the script's signal to stop.
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            _lineArrived.Dispose();
            Certificate.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The repository root: the folder above this test project's output holding Appliance.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Appliance.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Appliance.sln not found above " + AppContext.BaseDirectory);
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
        }

        _lineArrived.Release();
    }

    private async Task<string> WaitForLineAsync(string prefix)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await _lineArrived.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException($"oidc-provider did not print \"{prefix}\" within 30 s (exited: {_process.HasExited}).");
            }

            lock (_lines)
            {
                var line = _lines.Dequeue();
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
    }
}
