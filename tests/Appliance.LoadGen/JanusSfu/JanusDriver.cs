using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen.JanusSfu;

/// <summary>
/// Janus (the Debian package) under test: its own process with a generated configuration in a temporary folder:
/// the HTTP transport on 127.0.0.1 only, the VideoRoom plugin only, ICE-lite (so it answers the generator's checks as
/// the appliance does; the generator stays ICE controlling and DTLS client), session timeouts
/// off, warnings-only logging. Rooms are made through the API.
/// </summary>
internal sealed class JanusDriver : ISfuDriver
{
    private const string PluginsFolder = "/usr/lib/x86_64-linux-gnu/janus/plugins";
    private const string TransportsFolder = "/usr/lib/x86_64-linux-gnu/janus/transports";

    private static readonly string[] OtherPlugins =
        ["audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "streaming", "textroom", "videocall", "voicemail"];

    private static readonly string[] OtherTransports = ["mqtt", "nanomsg", "pfunix", "rabbitmq", "websockets"];

    // LOADGEN_JANUS_LOG=<file> keeps Janus's output at debug level 4 for diagnosis; otherwise warnings only.
    private static readonly int DebugLevel = Environment.GetEnvironmentVariable("LOADGEN_JANUS_LOG") is { Length: > 0 } ? 4 : 3;

    private readonly string? _cpus;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadgen-janus-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)));
    private readonly HttpClient _client;
    private ChildProcess? _process;
    private long _rooms;

    public JanusDriver(string? cpus)
    {
        _cpus = cpus;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name => "janus";

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("Not started.");

    /// <summary>
    /// The address Janus gathers its host candidate on: the machine's first IPv4 address that is not loopback (Janus
    /// skips loopback interfaces). Generator endpoints for Janus bind to it too, so that both sides of every flow are
    /// addresses of this machine and the kernel delivers it locally.
    /// </summary>
    public static System.Net.IPAddress HostAddress { get; } = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up && i.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? System.Net.IPAddress.Loopback;

    /// <summary>Whether the janus program and its VideoRoom plugin are installed.</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(PluginsFolder, "libjanus_videoroom.so")) && File.Exists(Path.Combine(TransportsFolder, "libjanus_http.so"));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException("Janus is not installed: apt-get install janus (tests/bench.sh and tests/run.sh do).");
        }

        Directory.CreateDirectory(_directory);
        var port = ChildProcess.FreeTcpPort();
        await WriteConfigurationAsync(port, cancellationToken).ConfigureAwait(false);
        _client.BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        string[] arguments = DebugLevel > 3
            ? ["-C", Path.Combine(_directory, "janus.jcfg"), "-F", _directory, "-o", "-l"]
            : ["-C", Path.Combine(_directory, "janus.jcfg"), "-F", _directory, "-o"];
        _process = ChildProcess.Start("janus", arguments, _cpus, _directory);
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                using var response = await _client.GetAsync(new Uri("/janus/info", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited || TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("Janus did not start:\n" + _process.Tail());
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IMeetingSession> OpenMeetingAsync(string title, RunContext context, CancellationToken cancellationToken)
    {
        var janus = new JanusHttp(_client);
        await janus.CreateSessionAsync(cancellationToken).ConfigureAwait(false);
        var control = await janus.AttachAsync(cancellationToken).ConfigureAwait(false);
        var room = 1000 + Interlocked.Increment(ref _rooms);
        var create = new JsonObject
        {
            ["request"] = "create",
            ["room"] = room,
            ["description"] = title,
            ["publishers"] = 2000,
            ["audiocodec"] = "opus",
            ["videocodec"] = "vp8",
            // The same header extensions the appliance reads; no bandwidth cap, no periodic key frame requests.
            ["audiolevel_ext"] = true,
            ["audiolevel_event"] = false,
            ["bitrate"] = 0,
            ["fir_freq"] = 0,
            ["notify_joining"] = false,
        };
        await janus.MessageAsync(control, create, null, cancellationToken).ConfigureAwait(false);
        return new JanusMeeting(janus, context, room);
    }

    public Task<IReadOnlyDictionary<string, double>> ReadCountersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, double>>(new Dictionary<string, double>());

    public ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("LOADGEN_JANUS_LOG") is { Length: > 0 } logFile && _process is not null)
        {
            File.WriteAllText(logFile, _process.Tail(2000));
        }

        _process?.Dispose();
        _client.Dispose();
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

    private async Task WriteConfigurationAsync(int port, CancellationToken cancellationToken)
    {
        var main = $$"""
            general: {
                configs_folder = "{{_directory}}"
                plugins_folder = "{{PluginsFolder}}"
                transports_folder = "{{TransportsFolder}}"
                debug_level = {{DebugLevel}}
                session_timeout = 0
                protected_folders = [ "/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var" ]
            }
            certificates: {
            }
            media: {
                rtp_port_range = "40000-60000"
            }
            nat: {
                nice_debug = false
                ice_lite = true
                ignore_mdns = true
            }
            plugins: {
                disable = "{{string.Join(',', OtherPlugins.Select(p => $"libjanus_{p}.so"))}}"
            }
            transports: {
                disable = "{{string.Join(',', OtherTransports.Select(t => $"libjanus_{t}.so"))}}"
            }
            loggers: {
                disable = "libjanus_jsonlog.so"
            }
            events: {
                broadcast = false
            }
            """;
        var http = string.Create(CultureInfo.InvariantCulture, $$"""
            general: {
                json = "compact"
                base_path = "/janus"
                http = true
                port = {{port}}
                ip = "127.0.0.1"
                https = false
            }
            admin: {
                admin_http = false
                admin_https = false
            }
            cors: {
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "janus.jcfg"), main, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_directory, "janus.transport.http.jcfg"), http, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_directory, "janus.plugin.videoroom.jcfg"), "general: {\n}\n", cancellationToken).ConfigureAwait(false);
    }
}
