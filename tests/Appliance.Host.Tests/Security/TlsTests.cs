using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using Appliance.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

// Offering the obsolete TLS 1.1 is the point of these tests.
#pragma warning disable SYSLIB0039, CA5397

namespace Appliance.Host.Tests.Security;

/// <summary>The TLS versions Kestrel accepts, tried with SslStream against the port directly.</summary>
public sealed class TlsTests
{
    private TestAppliance _appliance = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _appliance = await TestAppliance.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _appliance.DisposeAsync();

    [TestCase(SslProtocols.Tls12)]
    [TestCase(SslProtocols.Tls13)]
    public async Task Modern_tls_versions_are_accepted(SslProtocols protocol)
    {
        var negotiated = await HandshakeAsync(protocol);

        Assert.That(negotiated, Is.EqualTo(protocol));
    }

    [Test]
    public async Task Tls_1_1_is_refused()
    {
        // .NET's OpenSSL on this kind of machine refuses TLS 1.1 on the client side already, so a failed SslStream
        // handshake would prove nothing. The openssl tool can be told to offer it (security level 0); a control
        // handshake with an openssl server that accepts TLS 1.1 shows that it really does.
        var control = await OpenSslControlAsync();
        Assume.That(control, Is.True, "the openssl tool is missing or cannot negotiate TLS 1.1 here");

        var (exit, output) = await OpenSslClientAsync(_appliance.BaseAddress.Port, "-tls1_1");
        var (exit12, output12) = await OpenSslClientAsync(_appliance.BaseAddress.Port, "-tls1_2");

        Assert.Multiple(() =>
        {
            Assert.That(Negotiated(output), Is.False, output);
            Assert.That(exit, Is.Not.Zero);
            Assert.That(Negotiated(output12), Is.True, "the same client negotiates TLS 1.2:\n" + output12);
            Assert.That(exit12, Is.Zero);
        });
    }

    [Test]
    public void Kestrel_is_configured_for_tls_1_2_and_1_3_only()
    {
        // On machines whose OpenSSL refuses TLS 1.1 for every server, the handshake above passes whatever Kestrel is
        // told; this reads what the appliance tells it. ApplyHttpsDefaults is internal to Kestrel (the SDK is pinned).
        var kestrel = _appliance.Service<IOptions<KestrelServerOptions>>().Value;
        var apply = typeof(KestrelServerOptions).GetMethod("ApplyHttpsDefaults", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.That(apply, Is.Not.Null, "Kestrel no longer has ApplyHttpsDefaults; read the HTTPS defaults another way");
        var https = new HttpsConnectionAdapterOptions();

        apply!.Invoke(kestrel, [https]);

        Assert.That(https.SslProtocols, Is.EqualTo(SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    [Test]
    public void The_served_certificate_names_the_loopback_address_and_localhost()
    {
        var certificate = _appliance.Certificate;
        var names = certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();

        Assert.Multiple(() =>
        {
            Assert.That(names.EnumerateDnsNames(), Does.Contain("localhost"));
            Assert.That(names.EnumerateIPAddresses().Select(a => a.ToString()), Does.Contain("127.0.0.1"));
            Assert.That(certificate.NotAfter.ToUniversalTime(), Is.GreaterThan(TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(300)));
        });
    }

    private async Task<bool> OpenSslControlAsync()
    {
        var folder = Path.Combine(_appliance.DataDirectory, "tls");
        var port = ApplianceProcess.FreePort();
        Process server;
        try
        {
            server = Process.Start(OpenSsl("s_server", "-accept", $"127.0.0.1:{port}", "-cert", Path.Combine(folder, "selfsigned.crt"), "-key", Path.Combine(folder, "selfsigned.key"), "-tls1_1", "-cipher", "ALL@SECLEVEL=0", "-naccept", "1"))!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }

        using (server)
        {
            try
            {
                // s_server says ACCEPT once it listens (a probe connection would use up its one accept); it stops at
                // the end of its input, so its input stays open until the client is done.
                using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                string? line;
                do
                {
                    line = await server.StandardOutput.ReadLineAsync(ready.Token);
                }
                while (line is not null && !line.StartsWith("ACCEPT", StringComparison.Ordinal));

                var (exit, output) = await OpenSslClientAsync(port, "-tls1_1");
                return exit == 0 && Negotiated(output) && output.Contains("TLSv1.1", StringComparison.Ordinal);
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }

                await server.WaitForExitAsync();
            }
        }
    }

    private static async Task<(int Exit, string Output)> OpenSslClientAsync(int port, string version)
    {
        using var client = Process.Start(OpenSsl("s_client", "-connect", $"127.0.0.1:{port}", version, "-cipher", "ALL@SECLEVEL=0"))!;
        client.StandardInput.Close();
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await client.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            client.Kill(entireProcessTree: true);
            await client.WaitForExitAsync();
        }

        return (client.ExitCode, await stdout + await stderr);
    }

    // "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" after a handshake; "Cipher is (NONE)" without one.
    private static bool Negotiated(string output) =>
        output.Contains("Cipher is ", StringComparison.Ordinal) && !output.Contains("Cipher is (NONE)", StringComparison.Ordinal);

    private static ProcessStartInfo OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private async Task<SslProtocols> HandshakeAsync(SslProtocols protocol)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_appliance.BaseAddress.Host, _appliance.BaseAddress.Port);
        var expected = _appliance.Certificate.RawData;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(expected));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
        return tls.SslProtocol;
    }
}
