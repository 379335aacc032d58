using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Appliance.Host.Tests.Infrastructure;

/// <summary>
/// The appliance as an operator runs it: the built Appliance.Host.dll started by <c>dotnet</c> in a child process,
/// with its console output captured. Disposing kills it (and anything it started).
/// </summary>
public sealed class ApplianceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private ApplianceProcess(Process process, string workingDirectory)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>The folder the process was started in.</summary>
    public string WorkingDirectory { get; }

    public string StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The host's entry assembly, copied next to the test assembly by the project reference.</summary>
    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "Appliance.Host.dll");

    /// <summary>Starts <c>dotnet Appliance.Host.dll</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static ApplianceProcess Start(string workingDirectory, params string[] arguments)
    {
        Assert.That(File.Exists(HostAssembly), Is.True, $"{HostAssembly} is missing");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The child must not inherit a test runner's environment name or URLs.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");

        var process = new Process { StartInfo = start };
        var running = new ApplianceProcess(process, workingDirectory);
        process.OutputDataReceived += (_, e) => running.Append(running._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(running._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The argument that gives a started host an ephemeral media port, so tests never depend on UDP 10000 being free.</summary>
    public const string AnyMediaPort = "--Appliance:Media:Port=0";

    /// <summary>True when a UDP socket can be bound to the port on every address, as the media plane binds it.</summary>
    public static bool UdpPortIsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True when nothing accepts connections on the port (on any loopback address).</summary>
    public static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Waits for the exit; false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Polls <paramref name="url"/> until it answers 200 or <paramref name="timeout"/> passes; the server must present
    /// the self-signed certificate the appliance wrote to <paramref name="dataDirectory"/>.
    /// </summary>
    public async Task<HttpStatusCode?> WaitForHealthAsync(Uri url, string dataDirectory, TimeSpan timeout)
    {
        var certificatePath = Path.Combine(dataDirectory, "tls", "selfsigned.crt");
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                if (presented is null || !File.Exists(certificatePath))
                {
                    return false;
                }

                using var expected = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
                return CryptographicOperations.FixedTimeEquals(presented.RawData, expected.RawData);
            },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (deadline.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(url);
                last = response.StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Started but slow to answer; try again.
            }

            await Task.Delay(200);
        }

        return last;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It was never started or has gone already.
        }

        _process.Dispose();
    }

    private static string DotnetHost()
    {
        // The SDK tells child processes which dotnet runs them; fall back to the one on the PATH.
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk) ? fromSdk : "dotnet";
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            target.AppendLine(line);
        }
    }
}
