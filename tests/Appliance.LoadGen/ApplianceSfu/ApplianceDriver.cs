using System.Globalization;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen.ApplianceSfu;

/// <summary>
/// The appliance under test: the built Appliance.Host.dll in its own process with a fresh data folder, HTTPS and the
/// media port on loopback, its rate limits and room size raised for load (a generator is one address that opens
/// hundreds of sockets), logs at warning level. An automation API token is made with the host's
/// <c>create-automation-token</c> verb before it starts.
/// </summary>
internal sealed class ApplianceDriver : ISfuDriver
{
    private readonly string _hostAssembly;
    private readonly string? _cpus;
    private readonly int _lastN;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadgen-appliance-" + Guid.NewGuid().ToString("N")[..12]);
    private ChildProcess? _process;
    private ApplianceHttp? _http;

    public ApplianceDriver(string hostAssembly, string? cpus, int lastN = 9)
    {
        _hostAssembly = hostAssembly;
        _cpus = cpus;
        _lastN = lastN;
    }

    public string Name => "appliance";

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Not started.");

    /// <summary>The default place of the host: next to the generator (the project reference copies it).</summary>
    public static string DefaultHostAssembly => Path.Combine(AppContext.BaseDirectory, "Appliance.Host.dll");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_hostAssembly))
        {
            throw new FileNotFoundException("The appliance is not built.", _hostAssembly);
        }

        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(_directory);
        var dataArgument = "--Appliance:DataDirectory=" + data;
        var (exit, token, errors) = await ChildProcess.RunAsync(
            ChildProcess.DotnetHost(), [_hostAssembly, "create-automation-token", "--user", "loadgen", dataArgument], _directory, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"create-automation-token failed ({exit}): {errors}");
        }

        // The ramps go past the basic preset's 100 people per meeting: the appliance installs, at its first start, the
        // same levels with the policy's largest meeting (1,000), as an agency would with its own policy file.
        var policyFile = Path.Combine(_directory, "policy.json");
        await File.WriteAllTextAsync(policyFile, BenchmarkPolicy(), cancellationToken).ConfigureAwait(false);

        var httpsPort = ChildProcess.FreeTcpPort();
        var mediaPort = ChildProcess.FreeUdpPort();
        var baseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{httpsPort}"));
        string[] arguments =
        [
            _hostAssembly,
            "--urls=" + baseAddress.GetLeftPart(UriPartial.Authority),
            dataArgument,
            string.Create(CultureInfo.InvariantCulture, $"--Appliance:Media:Port={mediaPort}"),

            // The generator's clients use UDP; the TCP port would default to the same number, which nothing made sure is free.
            "--Appliance:Media:TcpPort=-1",
            "--Appliance:Media:BindAddress=127.0.0.1",
            string.Create(CultureInfo.InvariantCulture, $"--Appliance:Media:LastN={_lastN}"),
            "--Appliance:GuestRequestsPerMinute=1000000",
            "--Appliance:ApiRequestsPerMinute=1000000",
            "--Appliance:Signalling:MessagesPerSecond=100000",
            "--Appliance:Signalling:MessageBurst=100000",
            "--Appliance:Signalling:MaxParticipants=2000",
            "--Appliance:Policy:PresetFile=" + policyFile,
            "--Appliance:Signalling:OutgoingQueueLength=8192",
            "--Serilog:MinimumLevel:Default=Warning",
            "--Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime=Warning",
        ];
        _process = ChildProcess.Start(ChildProcess.DotnetHost(), arguments, _cpus, _directory);
        _http = new ApplianceHttp(baseAddress, Path.Combine(data, "tls", "selfsigned.crt"), token.Trim());
        var deadline = TimeProvider.System.GetTimestamp();
        while (!await _http.IsHealthyAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_process.HasExited || TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("The appliance did not become healthy:\n" + _process.Tail());
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IMeetingSession> OpenMeetingAsync(string title, RunContext context, CancellationToken cancellationToken)
    {
        var http = _http ?? throw new InvalidOperationException("Not started.");
        var meetingId = await http.BookMeetingAsync(title, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        return new ApplianceMeeting(http, context, meetingId);
    }

    public async Task<IReadOnlyDictionary<string, double>> ReadCountersAsync(CancellationToken cancellationToken) =>
        _http is null ? new Dictionary<string, double>() : await _http.MetricsAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        _http?.Dispose();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The basic preset with every level allowing the largest meeting a policy may allow.</summary>
    internal static string BenchmarkPolicy()
    {
        var basic = Appliance.Core.Policy.PolicyPresets.Basic;
        var levels = basic.Levels.Select(level => level.WithControls(level.Controls with { MaxParticipants = MaxMeetingSize }));
        return Appliance.Core.Policy.PolicyJson.Serialize(new Appliance.Core.Policy.PolicySet(basic.SchemeId, 1, levels));
    }

    /// <summary>The largest meeting a level may allow (PolicyControls' bound).</summary>
    private const int MaxMeetingSize = 1000;
}
